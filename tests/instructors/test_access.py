"""Every instructors' URL and API answers 403 to anybody but an instructor account."""

import re

import pytest

from tutor.instructors import report_routes, routes


def every_route():
    for route in [*routes.router.routes, *report_routes.router.routes]:
        path = re.sub(r"\{[^}]+\}", lambda m: {"{course}": "main", "{name}": "gaps", "{fmt}": "csv"}.get(m.group(), "x"),
                      route.path)
        for method in route.methods:
            yield method, path
    yield "GET", "/instructors/anything/else"


ROUTES = sorted(set(every_route()))


@pytest.mark.parametrize("who", ["learner", "anonymous", "forged", "demoted"])
def test_everybody_but_instructors_gets_403_everywhere(client, who):
    if who == "learner":
        client.as_user("alice", "learner")
    elif who == "anonymous":
        client.as_user(None)
    elif who == "forged":  # a token claiming the role, for an account that is a learner
        client.as_user("alice", "instructor")
    else:  # a token signed when "bob" was an instructor; the users file no longer says so
        client.as_user("bob", "instructor")
    assert len(ROUTES) > 15
    for method, path in ROUTES:
        response = client.request(method, path)
        assert response.status_code == 403, (method, path, response.status_code)
    page = client.get("/instructors/courses/main", headers={"Accept": "text/html"})
    assert "réservée aux formateurs" in page.text and "<code>tutor users add NOM --role instructor</code>" in page.text
    assert "formateurs" in client.get("/instructors/api/me").json()["detail"]


def test_an_instructor_gets_in_and_writes_only_from_our_pages(client):
    assert client.get("/instructors/api/me").json() == {"name": "prof", "role": "instructor"}
    page = client.get("/instructors", follow_redirects=True)
    assert page.status_code == 200 and "Leçons" in page.text and "Espace formateurs" in page.text
    # Their forms post with their origin (under the chat's `no-referrer`, browsers send `Origin: null`).
    assert page.headers["referrer-policy"] == "same-origin"
    assert client.get("/instructors/anything/else").status_code == 404
    cross_site = client.post("/instructors/courses/main/reindex", headers={"Origin": "http://evil.example"})
    assert cross_site.status_code == 403


def test_the_anonymous_mode_has_no_instructors(client, monkeypatch):
    monkeypatch.setenv("TUTOR_AUTH__MODE", "anonymous")
    assert client.get("/instructors/api/me").status_code == 403


def test_the_pages_are_mounted_on_the_chat_server_before_its_catch_all():
    from chainlit.server import app

    import tutor.chat.app  # noqa: F401 - installs the server's routes

    paths = [getattr(r, "path", "") for r in app.router.routes]
    assert "/instructors/courses/{course}" in paths and "/instructors/{rest:path}" in paths
    chainlit_routes = paths.index("")  # Chainlit's own router, which ends with the chat page's catch-all
    assert paths.index("/instructors/{rest:path}") < chainlit_routes
