"""In Chromium, on the real server: an instructor uploads a PDF lesson, reviews its conversion and indexes it
while a learner keeps chatting; the learner's next answer comes from the new lesson with its source; the
instructor reverts and the lesson is cited no more; a learner account gets 403 on every instructors' URL."""

import os
import sys

import pytest
from documents import QUANTIZATION, make_pdf
from fixtures.environment import ROOT

sys.path.insert(0, str(ROOT / "tests" / "chat"))
from test_access import ROUTES  # noqa: E402
from test_browser import launch, start_server  # noqa: E402 - the chat's browser helpers

pytestmark = pytest.mark.real
ARTIFACTS = ROOT / "artifacts"
REPLY = "La quantification réduit la précision des poids du modèle à 4 bits [1]."
QUESTION = "À quoi sert la quantification des poids ?"
SOURCE = "la quantification des modèles ›"  # the element link (shown in capitals by CSS)


@pytest.fixture
def server(settings, tmp_path):
    from tutor.chat.identity import add_user

    add_user(settings.users_path, "prof", "motdepasse-prof", "instructor")
    add_user(settings.users_path, "alice", "motdepasse-alice", "learner")
    proc, url = start_server(settings, tmp_path, TUTOR_LLM__PROVIDER="fake", TUTOR_EMBEDDINGS__PROVIDER="fake",
                             TUTOR_LLM__FAKE_RESPONSES=f'["{REPLY}"]', TUTOR_AUTH__MODE="password",
                             TUTOR_KNOWLEDGE__DIR=str(settings.knowledge.dir))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def login(browser, url, name, password):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#email", name)
    page.fill("#password", password)
    page.locator("button[type=submit]").click()
    page.locator("#chat-input").wait_for(timeout=90_000)
    return page


class Learner:
    """A learner's chat: every question gets a reply; errors on the page or in the console are counted."""

    def __init__(self, page):
        self.page, self.errors, self.sent = page, [], 0
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)

    def send(self, text):
        self.page.fill("#chat-input", text)
        self.page.locator("#chat-submit").click()
        self.sent += 1

    def answer(self) -> str:
        """The last answer, once every question sent has its own."""
        messages = self.page.locator("[data-step-type=assistant_message]")
        self.page.wait_for_function(
            "n => [...document.querySelectorAll('[data-step-type=assistant_message]')].filter(m => m.innerText"
            ".trim().length > 0).length >= n && !document.querySelector('.lucide-square, #stop-button')",
            arg=self.sent, timeout=90_000)
        self.page.wait_for_timeout(500)
        text = messages.last.inner_text()
        if "erreur inattendue" in text.lower():
            self.errors.append(text)
        return text


def test_an_instructor_updates_the_course_while_a_learner_chats(server, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = tmp_path / "quantification.pdf"
    pdf.write_bytes(make_pdf(QUANTIZATION))
    with sync_playwright() as p:
        browser = launch(p)
        learner = Learner(login(browser, server, "alice", "motdepasse-alice"))
        prof = login(browser, server, "prof", "motdepasse-prof")
        try:
            # Before: the course does not teach quantization, so the tutor does not cite it.
            learner.send(QUESTION)
            assert SOURCE not in learner.answer().lower()

            # The instructor's link in the chat, in the chat's language (learners have none), then the lessons page.
            assert prof.locator("#instructors-link").inner_text() == "Espace formateurs"
            prof.screenshot(path=str(ARTIFACTS / "instructors-chat-link.png"))
            prof.locator("#instructors-link").click()
            prof.locator("#lessons").wait_for()
            assert learner.page.locator("#instructors-link").count() == 0
            prof.screenshot(path=str(ARTIFACTS / "instructors-lessons.png"), full_page=True)

            # Upload a PDF; its conversion is shown for review, headings found from the type sizes.
            prof.set_input_files("#upload-file", str(pdf))
            prof.locator("#upload-submit").click()
            prof.locator("#review-form").wait_for()
            body = prof.locator("#lesson-body").input_value()
            assert "## Pourquoi quantifier ?" in body and "4 bits" in body
            prof.fill("#lesson-id", "quantification")
            prof.screenshot(path=str(ARTIFACTS / "instructors-review.png"), full_page=True)

            # Index it while the learner keeps chatting.
            learner.send("Qu'est-ce qu'un modèle de base ?")
            prof.locator("#index-it").click()
            learner.send("Quelles sont les quatre parties d'un prompt ?")
            prof.locator("#job-done").wait_for(state="visible", timeout=60_000)
            assert prof.locator("#job-progress").get_attribute("value") == prof.locator("#job-progress").get_attribute("max")
            prof.screenshot(path=str(ARTIFACTS / "instructors-job.png"), full_page=True)
            learner.answer()

            # The learner's next question is answered from the new lesson, with its source.
            learner.send(QUESTION)
            answer = learner.answer()
            assert SOURCE in answer.lower() and "4 bits" in answer, answer
            learner.page.screenshot(path=str(ARTIFACTS / "instructors-learner-new-lesson.png"))

            # The instructor reverts it; the learner's next answer no longer cites it.
            prof.locator("#back-to-lessons").click()
            assert prof.locator("tr[data-lesson=quantification]").count() == 1
            prof.locator("#history").get_by_text("prof").first.wait_for()
            prof.locator("tr[data-lesson=quantification] button.revert").click()
            prof.locator("#job-done").wait_for(state="visible", timeout=60_000)
            prof.locator("#back-to-lessons").click()
            assert prof.locator("tr[data-lesson=quantification]").count() == 0
            history = prof.locator("#history").inner_text()
            assert "revert" in history and "add" in history
            learner.send(QUESTION)
            assert SOURCE not in learner.answer().lower()
            assert learner.errors == [], learner.errors

            # The gaps and progress pages.
            prof.locator("#nav-gaps").click()
            prof.locator("#declined-total").wait_for()
            prof.screenshot(path=str(ARTIFACTS / "instructors-gaps.png"), full_page=True)
            prof.locator("#nav-report").click()
            prof.locator("#plot-questions svg").wait_for()
            prof.screenshot(path=str(ARTIFACTS / "instructors-report.png"), full_page=True)

            # A learner account: 403 on every instructors' page and API.
            response = learner.page.goto(f"{server}/instructors")
            assert response.status == 403 and "réservée aux formateurs" in learner.page.content()
            learner.page.screenshot(path=str(ARTIFACTS / "instructors-forbidden-learner.png"))
            for method, path in ROUTES:
                status = learner.page.request.fetch(f"{server}{path}", method=method,
                                                    headers={"Origin": server}).status
                assert status == 403, (method, path, status)
        except Exception:
            prof.screenshot(path=str(ARTIFACTS / "instructors-failure-prof.png"), full_page=True)
            learner.page.screenshot(path=str(ARTIFACTS / "instructors-failure-learner.png"), full_page=True)
            raise
        browser.close()
    assert os.path.exists(ARTIFACTS / "instructors-review.png")
