"""Lessons on disk -> validated `Lesson`s -> `Chunk`s with stable ids.

A lesson is a Markdown file with YAML front matter (`id`, `title`, `order`, optional `tags`), or a plain
`.txt` file (front matter optional: without it the id comes from the file name and the title from the
first line). Every problem is a `LessonError` naming the file and the reason, raised before anything is
indexed, so a bad knowledge base never half-replaces a good index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tutor.course.sanitize import Cleaning, clean_lesson
from tutor.text import slugify

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")


class LessonError(ValueError):
    """A lesson file that cannot be indexed; `str()` names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    order: int
    path: Path
    body: str
    tags: tuple[str, ...] = ()
    file_hash: str = ""
    cleaned: tuple[Cleaning, ...] = ()  # what was removed from the file's text (see tutor.course.sanitize)


@dataclass(frozen=True)
class Chunk:
    """One retrievable extract of a lesson."""

    id: str
    lesson_id: str
    lesson_title: str
    section: str
    heading_path: tuple[str, ...]
    position: int
    text: str
    source: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def embed_text(self) -> str:
        """What is embedded and searched: where the extract sits, then the extract."""
        return f"{self.lesson_title} — {' > '.join(self.heading_path)}\n{self.text}"

    @property
    def content_hash(self) -> str:
        return sha256_text(self.embed_text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- reading


def discover(paths: list[Path]) -> list[Path]:
    """Lesson files under `paths` (files or folders), sorted. Unknown paths and extensions are errors, and so
    is a link that leads out of its folder: lessons are read only from inside the knowledge folder."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise LessonError(path, "this path does not exist")
        if path.is_dir():
            root = path.resolve()
            for p in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in p.relative_to(path).parts):
                    continue  # hidden files and folders (.git, .DS_Store...)
                _check_inside(p, root)
                if p.is_file():
                    _check_suffix(p)
                    found.append(p)
        else:
            _check_inside(path, path.parent.resolve())
            if not path.is_file():
                raise LessonError(path, "not a regular file")
            _check_suffix(path)
            found.append(path)
    return sorted(set(found))


def _check_inside(path: Path, root: Path) -> None:
    """Refuse a link (or a link's target) outside `root`, the resolved knowledge folder."""
    target = path.resolve()
    if not target.is_relative_to(root):
        raise LessonError(path, f"is a link to {target}, outside the knowledge folder {root}: lessons are read "
                          "only from inside it; copy the file into the folder instead of linking it")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LessonError(path, f"unsupported extension '{path.suffix}' (lessons are {', '.join(SUPPORTED_SUFFIXES)}): "
                          "convert it to Markdown or plain text, or move it out of the knowledge folder")


def read_lesson(path: Path, max_bytes: int) -> Lesson:
    """Read and validate one lesson file."""
    size = path.stat().st_size
    if size > max_bytes:
        raise LessonError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} (TUTOR_KNOWLEDGE__MAX_FILE_BYTES)")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise LessonError(path, "binary content (NUL bytes): lessons must be UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LessonError(path, f"not valid UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LessonError(path, "empty file")
    meta, body, first_body_line = _split_front_matter(path, text)
    if meta is None:
        if path.suffix.lower() != ".txt":
            raise LessonError(path, "missing front matter: start the file with '---', then id, title and order, then '---'")
        first_line = next(line for line in body.splitlines() if line.strip()).strip().lstrip("#").strip()
        meta = {"id": slugify(path.stem), "title": first_line, "order": 1000}
    lesson_id, title, order, tags = _check_meta(path, meta)
    title, tags, body, cleaned = clean_lesson(title, tags, body, first_body_line)
    if not title:
        raise LessonError(path, "the title is empty once cleaned of control characters and template tokens")
    if not body.strip():
        raise LessonError(path, "the lesson has front matter but no content")
    return Lesson(lesson_id, title, order, path, body, tags, sha256_text(text), cleaned)


def _split_front_matter(path: Path, text: str) -> tuple[dict | None, str, int]:
    """(front matter or None, body, the file's line number of the body's first line)."""
    if not text.startswith("---"):
        return None, text, 1
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text, 1
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "..."))
    except StopIteration:
        raise LessonError(path, "front matter is not closed: add a line '---' after it") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise LessonError(path, f"front matter is not valid YAML{line}") from None
    if not isinstance(meta, dict):
        raise LessonError(path, "front matter must be 'key: value' lines")
    return meta, "\n".join(lines[end + 1:]), end + 2


def _check_meta(path: Path, meta: dict) -> tuple[str, str, int, tuple[str, ...]]:
    missing = [key for key in ("id", "title", "order") if meta.get(key) in (None, "")]
    if missing:
        raise LessonError(path, f"front matter lacks {', '.join(missing)}")
    lesson_id = str(meta["id"]).strip()
    if not _ID_RE.match(lesson_id):
        raise LessonError(path, f"id '{lesson_id}' must be lower-case letters, digits, '-' or '_'")
    order = meta["order"]
    if isinstance(order, bool) or not isinstance(order, int):
        raise LessonError(path, f"order must be a whole number, not '{order}'")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int, float)) for t in tags):
        raise LessonError(path, "tags must be a list of words")
    return lesson_id, str(meta["title"]).strip(), order, tuple(str(t) for t in tags)


def load_lessons(paths: list[Path], max_bytes: int) -> list[Lesson]:
    """Every lesson under `paths`, validated together (duplicate ids are an error), in course order."""
    files = discover(paths)
    if not files:
        raise LessonError(paths[0] if paths else Path("."), "no lesson files (.md, .txt) found")
    lessons = [read_lesson(p, max_bytes) for p in files]
    seen: dict[str, Path] = {}
    for lesson in lessons:
        if lesson.id in seen:
            raise LessonError(lesson.path, f"duplicate lesson id '{lesson.id}' (also in {seen[lesson.id]})")
        seen[lesson.id] = lesson.path
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.id))


# ---------------------------------------------------------------- splitting


def split_lesson(lesson: Lesson, chunk_size: int = 1200, chunk_overlap: int = 150) -> list[Chunk]:
    """Cut a lesson at its headings, then long sections by size; ids are stable across unrelated edits."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=min(chunk_overlap, chunk_size // 2),
        separators=["\n\n", "\n", ". ", " ", ""],
    )
    chunks: list[Chunk] = []
    used_ids: set[str] = set()
    for heading_path, text in _sections(lesson):
        section = heading_path[-1] if heading_path else lesson.title
        base = f"{lesson.id}#{slugify(section)}"
        stem, n = base, 2
        while stem in used_ids:
            stem, n = f"{base}-{n}", n + 1
        used_ids.add(stem)
        pieces = splitter.split_text(text) if len(text) > chunk_size else [text]
        for i, piece in enumerate(pieces):
            chunks.append(Chunk(
                id=stem if i == 0 else f"{stem}~{i + 1}",
                lesson_id=lesson.id, lesson_title=lesson.title, section=section,
                heading_path=heading_path or (lesson.title,), position=len(chunks),
                text=piece.strip(), source=str(lesson.path), tags=lesson.tags,
            ))
    return chunks


def _sections(lesson: Lesson) -> list[tuple[tuple[str, ...], str]]:
    """(heading path, body) for each heading with text under it; fenced code is never a heading."""
    stack: list[tuple[int, str]] = []
    sections: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    in_fence = False
    for line in lesson.body.split("\n"):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING_RE.match(line)
        if match:
            level, title = len(match.group(1)), match.group(2).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append((tuple(t for _, t in stack), []))
        else:
            sections[-1][1].append(line)
    result = []
    for path, lines in sections:
        body = "\n".join(lines).strip()
        if body:
            # A lesson's H1 repeats its title: drop it from the path when deeper headings exist.
            if len(path) > 1 and path[0] == lesson.title:
                path = path[1:]
            result.append((path, body))
    return result
