"""Lesson text is data: every field of a lesson (title, tags, headings, body) is cleaned of what could act on
the model or hide from a reader, before anything is indexed, and what was removed is reported.

Removed: chat-template tokens of the common model families (ChatML/Qwen `<|im_start|>`, Llama 3
`<|eot_id|>`, Llama 2 / Mistral `[INST]` and `<<SYS>>`, Gemma `<start_of_turn>`, DeepSeek's full-width
`<｜...｜>`), zero-width and bidi control characters, and other control characters (tabs and newlines
kept in bodies). A title or tag is also put on one line: a newline there could fake the layout of the
prompt. The instructor is told which lesson held what (`Cleaning`), so the file can be fixed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tutor.text import TEMPLATE_TOKENS

_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"
                 "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Cleaning:
    """What was removed from one place of a lesson: `where` is "title", "tags" or "line N"."""

    where: str
    removed: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.where}: {', '.join(self.removed)}"


def _hidden(c: str) -> bool:
    return c in _INVISIBLE or (unicodedata.category(c)[0] == "C" and c not in "\n\t")


def clean(text: str, one_line: bool = False) -> tuple[str, list[str]]:
    """`text` without template tokens and hidden characters, and the distinct things removed (in order)."""
    text = unicodedata.normalize("NFC", text)
    removed: list[str] = []

    def note(item: str) -> None:
        if item not in removed:
            removed.append(item)

    def drop_token(match: re.Match) -> str:
        """The token goes; a space stays only where it kept two words apart."""
        note(match.group(0))
        whole, start, end = match.string, match.start(), match.end()
        glued = start > 0 and end < len(whole) and not whole[start - 1].isspace() and not whole[end].isspace()
        return " " if glued else ""

    hidden = [c for c in text if _hidden(c)]
    if hidden:
        for c in hidden:
            note(f"U+{ord(c):04X} (invisible)")
        text = "".join(c for c in text if not _hidden(c))
    text = TEMPLATE_TOKENS.sub(drop_token, text)
    if one_line:
        text = " ".join(text.split())
    return text, removed


def clean_field(text: str) -> str:
    """A one-line field (title, section, tag) made safe, for data read back from an index."""
    return clean(text, one_line=True)[0]


def clean_lesson(title: str, tags: tuple[str, ...], body: str, first_body_line: int
                 ) -> tuple[str, tuple[str, ...], str, tuple[Cleaning, ...]]:
    """Clean every field of a lesson. `first_body_line` is the file's line number of the body's first line,
    so that what was removed from the body is reported at its line in the file."""
    found: list[Cleaning] = []
    title, removed = clean(title, one_line=True)
    if removed:
        found.append(Cleaning("title", tuple(removed)))
    clean_tags, removed_tags = [], []
    for tag in tags:
        tag, removed = clean(tag, one_line=True)
        removed_tags += [r for r in removed if r not in removed_tags]
        if tag:
            clean_tags.append(tag)
    if removed_tags:
        found.append(Cleaning("tags", tuple(removed_tags)))
    lines = body.split("\n")
    for i, line in enumerate(lines):
        cleaned, removed = clean(line)
        if removed:
            lines[i] = cleaned
            kind = " (heading)" if cleaned.lstrip().startswith("#") else ""
            found.append(Cleaning(f"line {first_body_line + i}{kind}", tuple(removed)))
    return title, tuple(clean_tags), "\n".join(lines), tuple(found)
