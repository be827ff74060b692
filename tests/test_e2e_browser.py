"""The real chat server driven by headless Chromium (Debian's package, through Playwright)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT
from tutor.ingest import ingest

pytestmark = pytest.mark.real
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
ANSWER = "Les LLM sont formés sur des milliers de milliards de mots [1]."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(settings, tmp_path):
    ingest(settings)
    port = free_port()
    env = dict(os.environ, TUTOR_DATA_DIR=str(settings.data_dir), TUTOR_CACHE_DIR=str(settings.cache_dir),
               TUTOR_LLM__PROVIDER="fake", TUTOR_EMBEDDINGS__PROVIDER="fake",
               TUTOR_LLM__FAKE_RESPONSES=json.dumps([ANSWER]))
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "tutor.cli", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    else:
        proc.kill()
    assert proc.poll() is None, (tmp_path / "server.log").read_text()
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ask_in_french_stream_the_answer_and_open_its_source(server):
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is required (make test installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page.goto(server)
        page.wait_for_selector("#chat-input", timeout=90_000)
        assert page.get_by_text("Les quatre parties d'un prompt").count() == 1  # a starter, in French
        page.fill("#chat-input", "Sur combien de mots les LLM sont-ils formés ?")
        page.keyboard.press("Enter")
        try:
            page.get_by_text("Sources :").wait_for(timeout=90_000)
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "chat-failure.png"))
            raise
        assert page.get_by_text("milliers de milliards de mots", exact=False).count() >= 1
        link = page.locator(".element-link").first
        link.wait_for(timeout=10_000)
        assert "Exemples de modèles de base" in link.inner_text() or "EXEMPLES" in link.inner_text().upper()
        link.click()
        page.get_by_text("sous-ensemble des modèles de base", exact=False).first.wait_for(timeout=10_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-answer.png"))
        browser.close()
