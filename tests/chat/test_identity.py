"""Anonymous learners' cookie, password accounts and the `tutor users` command."""

import asyncio
import os
import subprocess
import sys

from fixtures.environment import ROOT

from tutor.chat.identity import COOKIE, LearnerCookieMiddleware, authenticate, cookie_value, learner_id


def call(middleware_app, headers):
    seen, sent = {}, []

    async def inner(scope, receive, send):
        seen["cookie"] = dict(scope["headers"]).get(b"cookie", b"").decode()
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message):
        sent.append(message)

    asyncio.run(middleware_app(inner)({"type": "http", "headers": headers}, None, send))
    return seen["cookie"], dict(sent[0]["headers"])


def test_a_new_browser_gets_a_cookie_that_this_request_already_sees():
    cookie, response = call(LearnerCookieMiddleware, [(b"cookie", b"theme=dark")])
    token = cookie_value(cookie)
    assert token and cookie.startswith("theme=dark; ")
    assert response[b"set-cookie"].decode().startswith(f"{COOKIE}={token}; Path=/;")
    assert b"HttpOnly" in response[b"set-cookie"]


def test_a_known_browser_keeps_its_cookie_and_identity():
    token = "a" * 43
    cookie, response = call(LearnerCookieMiddleware, [(b"cookie", f"{COOKIE}={token}".encode())])
    assert cookie_value(cookie) == token and b"set-cookie" not in response
    assert learner_id(token) == learner_id(token) != learner_id("b" * 43)
    assert token not in learner_id(token)
    assert cookie_value(f"{COOKIE}=<script>") is None


def test_users_command_stores_only_hashes(tmp_path):
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    add = subprocess.run([sys.executable, "-m", "tutor.cli", "users", "add", "prof", "--role", "instructor",
                          "--password-stdin"], input="un-secret-long\n", env=env, capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    stored = (tmp_path / "data" / "users.json").read_text()
    assert "un-secret-long" not in stored and "scrypt$" in stored
    assert authenticate(tmp_path / "data" / "users.json", "prof", "un-secret-long")["role"] == "instructor"
    short = subprocess.run([sys.executable, "-m", "tutor.cli", "users", "add", "eleve", "--password-stdin"],
                           input="court\n", env=env, capture_output=True, text=True)
    assert short.returncode == 2 and "at least 8" in short.stderr
