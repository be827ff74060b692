from pathlib import Path

import pytest
from fixtures.environment import COURSE

from tutor.course.lessons import LessonError, load_lessons, read_lesson, split_lesson

LIMIT = 2_000_000


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def lesson_text(lesson_id="demo", title="Démo", order=1, body="# Démo\n\n## Partie\n\nDu texte.\n"):
    return f"---\nid: {lesson_id}\ntitle: {title}\norder: {order}\n---\n{body}"


def test_course_lessons_load_in_order_and_cover_the_course():
    lessons = load_lessons([COURSE], LIMIT)
    assert [lesson.order for lesson in lessons] == sorted(lesson.order for lesson in lessons)
    assert len(lessons) == 8
    text = " ".join(lesson.body for lesson in lessons).lower()
    # Facts of the course document that must be in the lessons.
    for fact in ["amazon titan", "stable diffusion", "milliers de milliards de mots", "inférence",
                 "nord-ouest de l'océan pacifique", "sagemaker studio", "données étiquetées",
                 "clarifier la demande", "fournir des exemples", "ajuster et réessayer",
                 "complètent", "tâches en aval", "données d'entrée"]:
        assert fact in text, fact


def test_split_by_headings_gives_stable_ids_and_metadata():
    lesson = next(x for x in load_lessons([COURSE], LIMIT) if x.id == "prompts")
    chunks = split_lesson(lesson)
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    assert "prompts#la-structure-d-un-prompt-quatre-parties" in ids
    structure = chunks[ids.index("prompts#la-structure-d-un-prompt-quatre-parties")]
    assert structure.section == "La structure d'un prompt : quatre parties"
    assert structure.heading_path == ("La structure d'un prompt : quatre parties",)
    assert structure.lesson_title == "Qu'est-ce qu'un prompt ?"
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert split_lesson(lesson) == chunks  # deterministic


def test_editing_one_section_changes_only_that_chunk(tmp_path):
    path = write(tmp_path / "a.md", lesson_text(body="# A\n\n## Un\n\nUn texte.\n\n## Deux\n\nDeux textes.\n"))
    before = {c.id: c.content_hash for c in split_lesson(read_lesson(path, LIMIT))}
    write(path, lesson_text(body="# A\n\n## Un\n\nUn texte.\n\n## Deux\n\nDeux textes modifiés.\n"))
    after = {c.id: c.content_hash for c in split_lesson(read_lesson(path, LIMIT))}
    assert before.keys() == after.keys()
    assert [cid for cid in before if before[cid] != after[cid]] == ["demo#deux"]


def test_long_sections_are_split_by_size_and_fences_are_not_headings(tmp_path):
    para = "Une phrase assez longue sur les modèles de base. " * 20
    body = "# T\n\n## Long\n\n" + "\n\n".join([para] * 4) + "\n\n```\n# pas un titre\n```\n"
    chunks = split_lesson(read_lesson(write(tmp_path / "l.md", lesson_text(body=body)), LIMIT),
                          chunk_size=1200, chunk_overlap=100)
    assert len(chunks) > 1
    assert all(len(c.text) <= 1200 for c in chunks)
    assert {c.section for c in chunks} == {"Long"}
    assert chunks[0].id == "demo#long" and chunks[1].id == "demo#long~2"


def test_txt_lessons_are_accepted_without_front_matter(tmp_path):
    path = write(tmp_path / "Notes Complémentaires.txt", "Notes complémentaires\n\nLes prompts sont utiles.\n")
    lesson = read_lesson(path, LIMIT)
    assert (lesson.id, lesson.title) == ("notes-complementaires", "Notes complémentaires")
    assert split_lesson(lesson)[0].text.endswith("Les prompts sont utiles.")


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "empty file"),
        ("blank.md", b"  \n\n ", "empty file"),
        ("latin1.md", lesson_text(title="Modèle").encode("latin-1"), "not valid UTF-8"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary content"),
        ("nofm.md", b"# Titre\n\nTexte\n", "missing front matter"),
        ("open.md", b"---\nid: x\ntitle: X\norder: 1\n# Titre\n", "not closed"),
        ("yaml.md", b"---\nid: [x\ntitle: X\n---\ntexte\n", "not valid YAML"),
        ("noid.md", b"---\ntitle: X\norder: 1\n---\ntexte\n", "lacks id"),
        ("notitle.md", b"---\nid: x\norder: 1\n---\ntexte\n", "lacks title"),
        ("order.md", b"---\nid: x\ntitle: X\norder: first\n---\ntexte\n", "order must be a whole number"),
        ("badid.md", b"---\nid: Mon Id\ntitle: X\norder: 1\n---\ntexte\n", "must be lower-case"),
        ("nobody.md", b"---\nid: x\ntitle: X\norder: 1\n---\n\n", "no content"),
    ],
)
def test_bad_lessons_are_rejected_with_the_file_and_the_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LessonError) as info:
        load_lessons([tmp_path], LIMIT)
    assert info.value.path == path
    assert reason in info.value.reason
    assert name in str(info.value)


def test_size_limit_duplicates_missing_paths_and_extensions(tmp_path):
    big = write(tmp_path / "big.md", lesson_text(body="x" * 5000))
    with pytest.raises(LessonError, match="over the limit of 1,000"):
        read_lesson(big, 1000)
    big.unlink()
    write(tmp_path / "a.md", lesson_text())
    write(tmp_path / "b.md", lesson_text())
    with pytest.raises(LessonError, match="duplicate lesson id 'demo'"):
        load_lessons([tmp_path], LIMIT)
    with pytest.raises(LessonError, match="does not exist"):
        load_lessons([tmp_path / "nowhere"], LIMIT)
    pdf = tmp_path / "cours.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(LessonError, match="unsupported extension '.pdf'"):
        load_lessons([pdf], LIMIT)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LessonError, match="no lesson files"):
        load_lessons([empty], LIMIT)
