"""Password mode against the real server: guessing is throttled, user names cannot be told apart by timing,
and a logged-in learner's sources are served to them on resume."""

import statistics
import time
import urllib.parse

import pytest
from fixtures.chat_server import start_chat, wait_for
from fixtures.commands import run_tutor

PASSWORD = "un-secret-long"


def password_server(tmp_path, **env):
    (tmp_path / "data").mkdir(exist_ok=True)
    added = run_tutor("users", "add", "alice", "--password-stdin", cwd=tmp_path, stdin=PASSWORD + "\n",
                      env={"PATH": "/usr/bin:/bin", "TUTOR_DATA_DIR": str(tmp_path / "data")})
    assert added.returncode == 0, added.stderr
    return start_chat(tmp_path, TUTOR_AUTH__MODE="password", **env)


def login(server, name, password):
    import requests

    return requests.post(server.url + "/login", data={"username": name, "password": password}, timeout=30)


@pytest.fixture
def throttled(tmp_path):
    server = password_server(tmp_path, TUTOR_AUTH__LOGINS_PER_MINUTE="10")
    yield server
    server.stop()


def test_password_guessing_is_throttled(throttled):
    started = time.monotonic()
    statuses = [login(throttled, "alice", f"essai-{i}").status_code for i in range(50)]
    elapsed = time.monotonic() - started
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    refused = login(throttled, "alice", PASSWORD)  # even the right password waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    print(f"50 guesses in {elapsed:.1f} s: {statuses.count(401)} checked, {statuses.count(429)} refused")


def test_guessing_one_name_from_many_addresses_is_throttled_too(throttled):
    import requests

    def attempt(password, address):
        return requests.post(throttled.url + "/login", data={"username": "alice", "password": password},
                             headers={"X-Forwarded-For": address}, timeout=30)

    statuses = [attempt(f"x-{i}", f"10.0.0.{i}").status_code for i in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    assert attempt(PASSWORD, "10.0.1.1").status_code == 429


@pytest.fixture
def timing_server(tmp_path):
    server = password_server(tmp_path, TUTOR_AUTH__LOGINS_PER_MINUTE="1000")
    yield server
    server.stop()


def test_user_names_cannot_be_told_apart_by_timing(timing_server):
    def median_ms(name):
        times = []
        for i in range(9):
            started = time.perf_counter()
            assert login(timing_server, name, f"mauvais-{i}").status_code == 401
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    login(timing_server, "personne", "x")  # warm-up
    existing, unknown = median_ms("alice"), median_ms("personne")
    print(f"wrong password: existing user {existing:.0f} ms, unknown user {unknown:.0f} ms")
    assert 0.6 < unknown / existing < 1.6


def test_a_logged_in_learner_gets_the_sources_of_a_resumed_conversation(tmp_path):
    server = password_server(tmp_path)
    try:
        alice = server.account("alice", PASSWORD)
        client = server.socket(alice, origin=server.url)
        server.ask(client, "Sur combien de mots les LLM sont-ils formés ?")
        client.disconnect()
        keys = wait_for(lambda: [k for (k,) in server.db('SELECT "objectKey" FROM elements') if k])
        assert keys
        source = alice.get(server.url + "/tutor/elements/" + urllib.parse.quote(keys[0]), timeout=10)
        assert source.status_code == 200 and "milliers de milliards" in source.text
        # Nobody else gets it: not a stranger, not another account's token.
        import requests

        assert requests.get(server.url + "/tutor/elements/" + urllib.parse.quote(keys[0]), timeout=10).status_code == 404
    finally:
        server.stop()
