"""Uploaded files -> a lesson draft for the instructor to review: Markdown and text as they are, PDF and Word
converted to Markdown by markitdown (pdfminer.six, mammoth). In a PDF, lines set in a larger type than the
body become headings, so the tutor can cite the lesson's sections. Nothing here touches the course."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from tutor.i18n import Text
from tutor.instructors.access import InstructorError
from tutor.text import TEMPLATE_TOKENS, slugify

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
CONVERTED_SUFFIXES = (".pdf", ".docx")


@dataclass
class Draft:
    """A converted upload waiting for review: the lesson's front matter fields and its Markdown body."""

    name: str  # the uploaded file's name
    kind: str  # md | txt | pdf | docx
    body: str
    id: str = ""
    title: str = ""
    order: int = 0
    tags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def lesson_text(self) -> str:
        """The lesson file: YAML front matter, then the body."""
        meta = {"id": self.id, "title": self.title, "order": self.order}
        if self.tags:
            meta["tags"] = list(self.tags)
        return f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{self.body.strip()}\n"


def upload_error(name: str, fr: str, en: str) -> InstructorError:
    return InstructorError("bad_upload", Text(f"« {name} » : {fr}", f"“{name}”: {en}"))


def convert(name: str, data: bytes, max_bytes: int, next_order: int) -> Draft:
    """The draft of an uploaded file. Raises `InstructorError` (shown on the page) for what cannot be read."""
    suffix = Path(name).suffix.lower()
    if len(data) > max_bytes:
        raise upload_error(name, f"le fichier fait {len(data):,} octets, au-delà de la limite de {max_bytes:,} "
                           "(TUTOR_INSTRUCTORS__MAX_UPLOAD_BYTES).", f"the file is {len(data):,} bytes, over the "
                           f"limit of {max_bytes:,} (TUTOR_INSTRUCTORS__MAX_UPLOAD_BYTES).")
    if not data.strip():
        raise upload_error(name, "le fichier est vide.", "the file is empty.")
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in data:
            raise upload_error(name, "contenu binaire : une leçon doit être du texte UTF-8.",
                               "binary content: a lesson must be UTF-8 text.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise upload_error(name, f"ce n'est pas du texte UTF-8 valide (octet {exc.start}) : enregistrez-le en "
                               "UTF-8.", f"not valid UTF-8 text (byte {exc.start}): save it as UTF-8.") from None
        meta, body = split_front_matter(name, text.replace("\r\n", "\n").replace("\r", "\n"))
        kind = "txt" if suffix == ".txt" else "md"
    elif suffix in CONVERTED_SUFFIXES:
        meta, body, kind = {}, to_markdown(name, data, suffix), suffix[1:]
    else:
        raise upload_error(name, "type de fichier non pris en charge (acceptés : .md, .txt, .pdf, .docx).",
                           "unsupported file type (accepted: .md, .txt, .pdf, .docx).")
    if not body.strip():
        raise upload_error(name, "aucun texte trouvé (un PDF scanné doit d'abord passer par une reconnaissance de "
                           "caractères).", "no text found (a scanned PDF needs character recognition first).")
    title = str(meta.get("title") or first_line(body) or Path(name).stem).strip()
    tags = meta.get("tags") or []
    return Draft(name=name, kind=kind, body=body.strip() + "\n", id=str(meta.get("id") or slugify(title)),
                 title=title, order=meta.get("order") if isinstance(meta.get("order"), int) else next_order,
                 tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])])


def split_front_matter(name: str, text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        raise upload_error(name, "l'en-tête (front matter) n'est pas fermé : ajoutez une ligne « --- ».",
                           "the front matter is not closed: add a line '---'.")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError:
        raise upload_error(name, "l'en-tête (front matter) n'est pas du YAML valide.",
                           "the front matter is not valid YAML.") from None
    return (meta if isinstance(meta, dict) else {}), "\n".join(lines[end + 1:])


def first_line(body: str) -> str:
    for line in body.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:120]
    return ""


def template_tokens(text: str) -> list[str]:
    """Chat-template tokens ("<|im_start|>", "[INST]"...) that must never reach the model from a lesson."""
    return sorted(set(TEMPLATE_TOKENS.findall(text)))


def to_markdown(name: str, data: bytes, suffix: str) -> str:
    from markitdown import MarkItDown, StreamInfo

    try:
        result = MarkItDown(enable_plugins=False).convert_stream(io.BytesIO(data), stream_info=StreamInfo(
            extension=suffix, filename=name))
    except Exception as exc:
        raise upload_error(name, f"la conversion a échoué ({type(exc).__name__}) : le fichier est-il abîmé ?",
                           f"the conversion failed ({type(exc).__name__}): is the file damaged?") from None
    markdown = result.markdown or ""
    if suffix == ".pdf":
        markdown = pdf_headings(data, markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown)


def pdf_headings(data: bytes, markdown: str) -> str:
    """Mark as headings the lines set in a larger type than the body text: '#' for the largest size, '##' for
    the next. A PDF without larger lines comes back unchanged."""
    try:
        import pdfplumber

        sizes: dict[str, float] = {}
        body_sizes: list[float] = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for line in page.extract_text_lines():
                    chars = [c["size"] for c in line["chars"] if c["text"].strip()]
                    if chars:
                        size = round(max(chars), 1)
                        sizes[line["text"].strip()] = size
                        body_sizes += [size] * len(chars)
    except Exception:
        return markdown
    if not body_sizes:
        return markdown
    body = sorted(body_sizes)[len(body_sizes) // 2]  # the size most of the text is set in
    levels = {size: n for n, size in enumerate(sorted({s for s in sizes.values() if s > body * 1.15},
                                                      reverse=True)[:2], 1)}
    out = []
    for line in markdown.split("\n"):
        level = levels.get(sizes.get(line.strip(), 0.0))
        out.append(f"{'#' * level} {line.strip()}" if level and len(line.strip()) <= 150 else line)
    return "\n".join(out)
