"""Every test runs isolated: temp data and cache dirs, fake providers, no AWS credentials, offline flags."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tutor.config import Settings

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "knowledge"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(("TUTOR_", "AWS_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TUTOR_EMBEDDINGS__PROVIDER", "fake")
    monkeypatch.setenv("TUTOR_LLM__PROVIDER", "fake")
    monkeypatch.chdir(tmp_path)  # a stray relative path or .env never touches the checkout
    yield


@pytest.fixture
def kb(tmp_path) -> Path:
    """A writable copy of the course's lessons."""
    target = tmp_path / "knowledge"
    shutil.copytree(COURSE, target)
    return target


@pytest.fixture
def settings(tmp_path, kb) -> Settings:
    """Settings with fakes, chosen explicitly (no .env)."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        knowledge={"dir": kb},
        embeddings={"provider": "fake"},
        llm={"provider": "fake"},
    )
