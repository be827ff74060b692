"""Several processes read one index root while one writes: a published version is never written again
(Chroma writes into any directory it opens, so each reader opens its own copy), and the copies go away."""

import gc
import hashlib
import os
import socket
import subprocess
import sys

from tutor.course.ingest import ingest
from tutor.course.reader import IndexReader


def fingerprint(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "versions").rglob("*")) if p.is_file()}


def test_reading_never_writes_a_published_version(settings):
    ingest(settings)
    root = settings.index_dir
    before = fingerprint(root)
    reader = IndexReader(root)
    snap = reader.snapshot()
    assert snap.dense_search([0.1] * 256, 3) and snap.vectors([snap.chunks[0].id])
    # another process reads the same version at the same time
    code = ("import sys; from tutor.course.reader import IndexReader; "
            "s = IndexReader(sys.argv[1]).snapshot(); print(len(s.dense_search([0.2] * 256, 5)))")
    other = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert other.stdout.strip() == "5", other.stderr
    assert fingerprint(root) == before
    copies = list((root / "readers").iterdir())
    assert len(copies) == 1 and copies[0].name.startswith(f"{socket.gethostname()}-{os.getpid()}-")
    del snap, reader
    gc.collect()
    assert list((root / "readers").iterdir()) == []  # the copy went with its snapshot


def test_copies_left_by_a_killed_process_are_removed(settings):
    ingest(settings)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = settings.index_dir / "readers" / f"{socket.gethostname()}-{dead.stdout.strip()}-abcd1234-v1"
    orphan.mkdir(parents=True)
    IndexReader(settings.index_dir).snapshot()
    assert not orphan.exists()


def test_a_full_data_folder_still_serves_and_never_deletes_the_published_version(settings, monkeypatch, tmp_path):
    """The copy goes to the system's temporary folder when the data folder refuses it, and when that fails
    too the version is read in place, and dropping that snapshot leaves the published version alone."""
    import shutil
    import tempfile

    from tutor.course import reader as reader_module

    ingest(settings)
    root = settings.index_dir
    real_copytree = shutil.copytree
    refused = {str(root / "readers")}

    def copytree(src, dst, *args, **kwargs):
        if any(str(dst).startswith(folder) for folder in refused):
            raise OSError(28, "No space left on device")
        return real_copytree(src, dst, *args, **kwargs)

    monkeypatch.setattr(reader_module.shutil, "copytree", copytree)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    snap = IndexReader(root).snapshot()
    assert snap.dense_search([0.1] * 256, 3)
    assert [p.name for p in (tmp_path / "system-tmp" / "tutor-readers").iterdir()][0].endswith(snap.name)

    refused.add(str(tmp_path / "system-tmp"))
    before = fingerprint(root)
    snap = IndexReader(root).snapshot()
    assert snap.dense_search([0.1] * 256, 3)
    name = snap.name
    del snap
    gc.collect()
    assert (root / "versions" / name / "manifest.json").exists()
    assert set(fingerprint(root)) >= set(before)
