"""A hostile learner against the real chat server (fake providers): the socket from another origin, floods of
huge messages, path traversal to another learner's sources, forged feedback, framing and the API docs."""

import http.client
import time
import urllib.parse

import pytest
import socketio
from fixtures.chat_server import free_port, start_chat, wait_for


def user_id(server, identifier):
    return server.db('SELECT id FROM users WHERE identifier = ?', identifier)[0][0]


def identifier_of(http):
    return http.get(http.base_url + "/user", timeout=10).json()["identifier"]


@pytest.fixture(scope="module")
def two_learners(chat_server):
    """Learners A and B, each with one answered question (sources stored), their sockets closed."""
    people = {}
    for name in ("A", "B"):
        http = chat_server.learner()
        http.base_url = chat_server.url
        client = chat_server.socket(http, origin=chat_server.url)
        chat_server.ask(client, f"Sur combien de mots les LLM sont-ils formés ? ({name})")
        client.disconnect()
        people[name] = http
    for http in people.values():  # Chainlit stores steps and elements in background tasks
        owner = user_id(chat_server, identifier_of(http))
        assert wait_for(lambda owner=owner: chat_server.db('SELECT count(*) FROM elements WHERE "objectKey" LIKE ?',
                                                           owner + "/%")[0][0], 30), "the sources are stored under their learner"
        assert wait_for(lambda owner=owner: chat_server.db(
            """SELECT count(*) FROM steps s JOIN threads t ON t."id" = s."threadId"
               WHERE t."userId" = ? AND s."type" = 'assistant_message' """, owner)[0][0], 30)
    return people


def test_a_page_on_another_port_of_the_host_cannot_open_the_learners_socket(chat_server):
    victim = chat_server.learner()
    for evil in (f"http://127.0.0.1:{free_port()}", f"http://localhost:{free_port()}", "null"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            chat_server.socket(victim, origin=evil)
    own = chat_server.socket(victim, origin=chat_server.url)  # the chat's own page still connects
    own.disconnect()
    assert "TUTOR_SERVER__ALLOWED_ORIGINS" in chat_server.log_text()  # the operator is told what to set


def test_a_state_changing_request_from_another_origin_is_refused(chat_server):
    victim = chat_server.learner()
    evil = f"http://127.0.0.1:{free_port()}"
    forged = victim.put(chat_server.url + "/project/thread", headers={"Origin": evil, "Content-Type": "text/plain"},
                        data='{"threadId": "x", "name": "pirate"}', timeout=10)
    assert forged.status_code == 403


def test_huge_messages_are_refused_before_they_are_stored(chat_server):
    learner = chat_server.learner()
    client = chat_server.socket(learner, origin=chat_server.url)
    db = chat_server.data_dir / "chat.db"
    chat_server.ask(client, "Sur combien de mots les LLM sont-ils formés ?")  # the database exists
    time.sleep(0.5)
    size_before = db.stat().st_size
    client.replies.clear()
    started = time.monotonic()
    for _ in range(10):
        chat_server.say(client, "a" * 900_000)
    assert wait_for(lambda: len(client.replies) >= 10, 30), client.replies
    elapsed = time.monotonic() - started
    assert all("trop long" in r["output"] and "900 000" in r["output"] for r in client.replies)
    assert not any(r.get("type") == "retrieval" or r.get("isError") for r in client.replies)
    time.sleep(1.0)
    assert chat_server.db('SELECT max(length("output")) FROM steps WHERE "type" = \'user_message\'')[0][0] < 3000
    assert db.stat().st_size - size_before < 200_000, "the refused messages were not written"
    # Just over the limit: the same clear refusal, nothing stored, no error step.
    client.replies.clear()
    chat_server.say(client, "é" * 2001)
    assert wait_for(lambda: client.replies, 10)
    assert "trop long" in client.replies[0]["output"] and "2 001" in client.replies[0]["output"]
    client.replies.clear()
    chat_server.say(client, "What exactly is a prompt and how should I write one? " * 80)  # English: English reply
    assert wait_for(lambda: client.replies, 10)
    assert "too long" in client.replies[0]["output"]
    client.disconnect()
    print(f"10 messages of 900,000 characters refused in {elapsed:.1f} s")


def test_the_message_rate_is_limited_per_learner(tmp_path):
    server = start_chat(tmp_path, TUTOR_SERVER__MESSAGES_PER_MINUTE="3")
    try:
        learner = server.learner()
        client = server.socket(learner, origin=server.url)
        for i in range(5):
            server.say(client, f"Sur combien de mots les LLM sont-ils formés ? ({i})")
        assert wait_for(lambda: sum("attendez" in (r.get("output") or "") for r in client.replies) == 2, 20), \
            client.replies
        time.sleep(1.0)
        stored = server.db('SELECT "output" FROM steps WHERE "type" = \'user_message\'')
        assert len(stored) == 3
        # Another learner is not slowed down by the first one.
        other = server.socket(server.learner(), origin=server.url)
        server.ask(other, "Sur combien de mots les LLM sont-ils formés ?")
        client.disconnect()
        other.disconnect()
    finally:
        server.stop()


def raw_get(server, path, cookies):
    """GET with the path sent exactly as written (no client-side normalisation of `..`)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    reply = conn.getresponse()
    body = reply.read().decode(errors="replace")
    conn.close()
    return reply.status, body


def test_path_traversal_to_another_learners_sources_is_refused(chat_server, two_learners):
    a, b = two_learners["A"], two_learners["B"]
    a_id, b_id = user_id(chat_server, identifier_of(a)), user_id(chat_server, identifier_of(b))
    b_keys = [k for (k,) in chat_server.db('SELECT "objectKey" FROM elements') if k and k.startswith(b_id + "/")]
    a_keys = [k for (k,) in chat_server.db('SELECT "objectKey" FROM elements') if k and k.startswith(a_id + "/")]
    assert a_keys and b_keys
    quoted = urllib.parse.quote(b_keys[0])
    own_status, own_body = raw_get(chat_server, "/tutor/elements/" + urllib.parse.quote(a_keys[0]), a.cookies)
    assert own_status == 200 and "milliers de milliards" in own_body
    assert raw_get(chat_server, "/tutor/elements/" + quoted, b.cookies)[0] == 200
    for attack in (f"{a_id}/../{quoted}", f"{a_id}/%2e%2e/{quoted}", f"{a_id}/..%2f{quoted}",
                   f"{a_id}/%2E%2E%2F{quoted}", f"{a_id}/x/../../{quoted}", quoted,
                   f"{a_id}/..%5c{quoted}", f"{quoted}.mime"):
        status, body = raw_get(chat_server, "/tutor/elements/" + attack, a.cookies)
        assert status == 404 and "milliers" not in body, attack


def test_feedback_only_on_ones_own_messages(chat_server, two_learners):
    a, b = two_learners["A"], two_learners["B"]
    a_name = identifier_of(a)
    a_message = chat_server.db('''SELECT s."id", s."threadId" FROM steps s JOIN threads t ON t."id" = s."threadId"
                                  WHERE t."userIdentifier" = ? AND s."type" = 'assistant_message' ''', a_name)[0]
    forged = b.put(chat_server.url + "/feedback", json={"sessionId": "x", "feedback": {
        "forId": a_message[0], "threadId": a_message[1], "value": 0, "comment": "réponse nulle (signé A)"}}, timeout=10)
    assert forged.status_code == 404
    assert chat_server.db('SELECT count(*) FROM feedbacks')[0][0] == 0
    own = a.put(chat_server.url + "/feedback", json={"sessionId": "x", "feedback": {
        "forId": a_message[0], "value": 1, "comment": "Clair, merci !"}}, timeout=10)
    assert own.status_code == 200, own.text
    feedback_id = own.json()["feedbackId"]
    # B can neither overwrite nor delete A's feedback, nor file it under A's thread from B's own message.
    b_message = chat_server.db('''SELECT s."id" FROM steps s JOIN threads t ON t."id" = s."threadId"
                                  WHERE t."userIdentifier" = ? AND s."type" = 'assistant_message' ''',
                               identifier_of(b))[0][0]
    overwrite = b.put(chat_server.url + "/feedback", json={"sessionId": "x", "feedback": {
        "id": feedback_id, "forId": b_message, "value": 0, "comment": "écrasé"}}, timeout=10)
    assert overwrite.status_code == 404
    assert b.delete(chat_server.url + "/feedback", json={"feedbackId": feedback_id}, timeout=10).status_code == 404
    moved = b.put(chat_server.url + "/feedback", json={"sessionId": "x", "feedback": {
        "forId": b_message, "threadId": a_message[1], "value": 0, "comment": "mis chez A"}}, timeout=10)
    assert moved.status_code == 200
    rows = chat_server.db('SELECT "comment", "threadId" FROM feedbacks ORDER BY "comment"')
    assert ("Clair, merci !", a_message[1]) in rows and all(t != a_message[1] for c, t in rows if c != "Clair, merci !")
    huge = a.put(chat_server.url + "/feedback", json={"sessionId": "x", "feedback": {
        "forId": a_message[0], "value": 1, "comment": "x" * 900_000}}, timeout=10)
    assert huge.status_code == 413


def test_security_headers_on_every_response(chat_server):
    learner = chat_server.learner()
    for path in ("/", "/auth/config", "/tutor/elements/nothing", "/public/logo_light.svg", "/login"):
        headers = learner.get(chat_server.url + path, timeout=10).headers
        policy = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy and "img-src 'self' data: blob:" in policy, path
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "default-src 'self'" in policy
        assert headers.get("X-Frame-Options") == "DENY" and headers.get("X-Content-Type-Options") == "nosniff"
        assert headers.get("Referrer-Policy") == "no-referrer"


def test_the_api_description_is_not_public(chat_server):
    learner = chat_server.learner()
    assert "openapi" not in learner.get(chat_server.url + "/openapi.json", timeout=10).text
    for page in ("/docs", "/redoc"):
        text = learner.get(chat_server.url + page, timeout=10).text.lower()
        assert "swagger" not in text and "redoc" not in text.replace("/redoc", "")
