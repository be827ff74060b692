"""`tutor ingest` and `tutor kb` as an instructor runs them (real Chroma, fake embeddings via settings)."""

import json

from fixtures.commands import run_tutor as tutor


def test_ingest_json_twice_then_kb(kb, tmp_path):
    first = tutor("ingest", str(kb), "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert set(report) >= {"lessons", "chunks", "added", "updated", "removed", "unchanged", "seconds"}
    assert report["lessons"] == 8 and report["added"] == report["chunks"] > 0
    second = json.loads(tutor("ingest", str(kb), "--json", cwd=tmp_path).stdout)
    assert (second["added"], second["updated"], second["removed"], second["embedded"]) == (0, 0, 0, 0)

    listing = tutor("kb", cwd=tmp_path)
    assert listing.returncode == 0
    assert "prompts" in listing.stdout and "Qu'est-ce qu'un prompt ?" in listing.stdout
    lesson = tutor("kb", "prompts", cwd=tmp_path)
    assert "Où se trouve le Japon ?" in lesson.stdout
    missing = tutor("kb", "nope", cwd=tmp_path)
    assert missing.returncode == 2 and "no lesson 'nope'" in missing.stderr


def test_bad_input_exits_2_naming_the_file_and_keeps_the_index(kb, tmp_path):
    assert tutor("ingest", str(kb), cwd=tmp_path).returncode == 0
    before = (tmp_path / "data" / "index" / "CURRENT").read_text()
    bad = kb / "99-vide.md"
    bad.write_text("")
    result = tutor("ingest", str(kb), cwd=tmp_path)
    assert result.returncode == 2
    assert "99-vide.md" in result.stderr and "empty file" in result.stderr
    assert "previous index keeps serving" in result.stderr
    assert (tmp_path / "data" / "index" / "CURRENT").read_text() == before
    nowhere = tutor("ingest", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert nowhere.returncode == 2 and "does not exist" in nowhere.stderr


def test_kb_without_index_says_what_to_do(tmp_path):
    result = tutor("kb", cwd=tmp_path)
    assert result.returncode == 2 and "tutor ingest" in result.stderr
