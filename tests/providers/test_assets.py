"""Assembling split model files: order, sha256 verification, the stamp, and clear errors."""

import dataclasses
import hashlib
import sys

import pytest

from tutor.providers import assets as models
from tutor.providers.assets import LocalModelSpec, ModelAssetError, ensure_local_model


@pytest.fixture
def parts(tmp_path, monkeypatch):
    """Three installed 'packages' holding the parts of a small model file."""
    site = tmp_path / "site"
    chunks = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    for i, chunk in enumerate(chunks, 1):
        pkg = site / f"tinypart{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(site))
    for i in range(1, 4):
        sys.modules.pop(f"tinypart{i}", None)
    whole = b"".join(chunks)
    return whole, LocalModelSpec("tiny.gguf", ("tinypart1", "tinypart2", "tinypart3"), len(whole),
                                 hashlib.sha256(whole).hexdigest(), "install the tiny parts")


def test_parts_are_concatenated_in_order_and_verified(parts, tmp_path, monkeypatch):
    whole, spec = parts
    monkeypatch.setitem(models.LOCAL_MODELS, "tiny", spec)
    path = ensure_local_model("tiny", tmp_path / "cache")
    assert path.read_bytes() == whole
    assert (path.parent / "tiny.gguf.verified").exists()
    assert ensure_local_model("tiny", tmp_path / "cache") == path  # second call trusts the stamp


def test_a_corrupt_part_is_refused(parts, tmp_path, monkeypatch):
    whole, spec = parts
    monkeypatch.setitem(models.LOCAL_MODELS, "tiny", dataclasses.replace(spec, sha256="0" * 64))
    with pytest.raises(ModelAssetError, match="does not match the official release"):
        ensure_local_model("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache" / "models" / "tiny.gguf").exists()


def test_missing_packages_and_unknown_models_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setitem(models.LOCAL_MODELS, "ghost", LocalModelSpec("g.gguf", ("no_such_part_pkg",), 1, "0", "pip install it"))
    with pytest.raises(ModelAssetError, match="pip install it"):
        ensure_local_model("ghost", tmp_path)
    with pytest.raises(ModelAssetError, match="unknown local model"):
        ensure_local_model("gpt-99", tmp_path)
