"""The instructors' routes on a FastAPI app of their own (as `tutor.chat.server` mounts them on Chainlit's),
with the chat's database, password accounts and signed tokens as Chainlit issues them at login."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

SECRET = "test-secret-" + "x" * 40
ORIGIN = "http://testserver"


def token(name: str, role: str) -> str:
    import chainlit as cl
    from chainlit.auth import create_jwt

    return create_jwt(cl.User(identifier=name, metadata={"role": role, "provider": "password"}))


def password_accounts(settings, monkeypatch):
    """Password mode with an instructor "prof" and a learner "alice"."""
    from tutor.chat.identity import add_user

    monkeypatch.setenv("TUTOR_AUTH__MODE", "password")
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", SECRET)
    monkeypatch.setenv("TUTOR_KNOWLEDGE__DIR", str(settings.knowledge.dir))
    add_user(settings.users_path, "prof", "password-prof", "instructor")
    add_user(settings.users_path, "alice", "password-alice", "learner")
    return settings


@pytest.fixture
def accounts(indexed, monkeypatch):
    """The course indexed with fakes, and the accounts."""
    return password_accounts(indexed, monkeypatch)


@pytest.fixture
def client(accounts):
    """A test client logged in as the instructor; `client.as_user(name, role)` switches account."""
    with open_client(accounts) as test_client:
        yield test_client


@contextmanager
def open_client(accounts):
    import chainlit.data

    from tutor.chat import services
    from tutor.chat.storage import TutorDataLayer, database_url
    from tutor.instructors import jobs
    from tutor.instructors.routes import install

    app = FastAPI()
    install(app)
    chainlit.data._data_layer = TutorDataLayer(database_url(accounts.data_dir))
    chainlit.data._data_layer_initialized = True
    services.reset_engine()
    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as test_client:
        def as_user(name: str | None, role: str = "learner"):
            test_client.cookies.clear()
            if name:
                test_client.cookies.set("access_token", token(name, role))
            return test_client

        def wait_jobs():
            test_client.portal.call(jobs.wait_all)

        test_client.as_user, test_client.wait_jobs = as_user, wait_jobs
        as_user("prof", "instructor")
        yield test_client
        wait_jobs()
        test_client.portal.call(chainlit.data._data_layer.engine.dispose)
    chainlit.data._data_layer, chainlit.data._data_layer_initialized = None, False
    services.reset_engine()


def run(coroutine):
    return asyncio.run(coroutine)
