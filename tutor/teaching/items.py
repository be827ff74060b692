"""The questions the tutor asks (check questions, quiz items, guided questions), built from the lessons'
own structure and validated by code before any is shown.

A lesson's definition list ("- **terme** : ce qu'il désigne") gives three kinds of items, each carrying
its expected answer and the chunk it comes from:
- which term a description names (multiple choice, the list's other terms as options),
- what a term means (short answer, the description expected),
- the whole list (short answer, every term expected; fewer is partly right).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import asdict, dataclass, field

from tutor.course.lessons import Chunk
from tutor.i18n import Text
from tutor.text import analyze, fold

_ENTRY = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*\*\*(?P<term>[^*]{2,80})\*\*(?P<alias>\s*\([^)]*\))?\s*:\s*(?P<desc>.+?)\s*$")
_MARKUP = re.compile(r"\*\*|\*|_|`")
_ARTICLE = re.compile(r"^(?:(?:les|le|la|un|une|des|du|de la|the|an|a)\s+|l')", re.I)

MCQ = Text("Dans la leçon « {lesson} », lequel de ces éléments correspond à : « {description} » ?",
           "In the lesson “{lesson}”, which of these matches: “{description}”?")
SHORT = Text("Dans la leçon « {lesson} », que désigne « {term} » ?",
             "In the lesson “{lesson}”, what does “{term}” mean?")
LIST = Text("Dans la partie « {section} » de la leçon « {lesson} », quels sont les {n} éléments présentés ?",
            "In the part “{section}” of the lesson “{lesson}”, what are the {n} items presented?")
NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}
NUMBERS_EN = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


@dataclass
class Item:
    """One question with its expected answer and where it comes from."""

    id: str
    kind: str  # mcq | short | list
    question: str
    expected: str
    chunk_id: str
    lesson_id: str
    lesson_title: str
    section: str
    source: str  # the chunk's text: the answer's source, shown with the grade
    options: list[str] = field(default_factory=list)  # mcq
    answer_index: int = -1  # mcq: the right option
    parts: list[str] = field(default_factory=list)  # list: every element expected
    language: str = "fr"
    origin: str = "structure"  # structure | model

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        return cls(**data)


@dataclass(frozen=True)
class Entry:
    term: str
    description: str


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP.sub("", text)).strip(" ;.,")


def entries(chunk: Chunk) -> list[Entry]:
    """The "**term** : description" lines of a chunk's list (two at least), in order."""
    found = [Entry(clean(m.group("term")), clean(m.group("desc")))
             for m in map(_ENTRY.match, chunk.text.splitlines()) if m]
    return found if len(found) >= 2 else []


def item_id(chunk_id: str, question: str) -> str:
    return hashlib.sha256(f"{chunk_id}\n{fold(question)}".encode()).hexdigest()[:16]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def structure_items(chunk: Chunk, language: str = "fr", seed: int = 0) -> list[Item]:
    """Every item a chunk's definition list gives (none when it has no such list)."""
    found = entries(chunk)
    if not found:
        return []
    rng = random.Random(f"{chunk.id}:{seed}")
    where = dict(chunk_id=chunk.id, lesson_id=chunk.lesson_id, lesson_title=chunk.lesson_title,
                 section=chunk.section, source=chunk.text, language=language)
    items = []
    terms = [_capital(_ARTICLE.sub("", e.term)) for e in found]
    for i, entry in enumerate(found):
        others = [t for j, t in enumerate(terms) if j != i]
        options = [terms[i]] + rng.sample(others, min(3, len(others)))
        rng.shuffle(options)
        question = MCQ.get(language, lesson=chunk.lesson_title, description=entry.description)
        items.append(Item(item_id(chunk.id, question), "mcq", question, terms[i], options=options,
                          answer_index=options.index(terms[i]), **where))
        question = SHORT.get(language, lesson=chunk.lesson_title, term=terms[i])
        items.append(Item(item_id(chunk.id, question), "short", question, entry.description, **where))
    n = len(found)
    count = (NUMBERS_EN if language == "en" else NUMBERS).get(n, str(n))
    question = LIST.get(language, section=chunk.section, lesson=chunk.lesson_title, n=count)
    items.append(Item(item_id(chunk.id, question), "list", question, ", ".join(terms), parts=terms, **where))
    return items


# ---------------------------------------------------------------- validation


@dataclass
class Rejections:
    """How many generated items the validator turned down, by reason."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", _ARTICLE.sub("", fold(text))).split())


def _words(text: str) -> set[str]:
    return set(analyze(text))


def problems(item: Item, source_words: set[str] | None = None) -> list[str]:
    """Why an item must not be shown (empty when it is valid):
    - "unsupported": its expected answer is not in its chunk,
    - "options": multiple choice without 3-4 distinct options, or the right one missing,
    - "several_right": a wrong option is also what the chunk says of the description,
    - "gives_away": the question contains the answer."""
    found = []
    chunk_words = source_words if source_words is not None else _words(item.source)
    expected = _words(item.expected)
    if not expected or len(expected & chunk_words) / len(expected) < 0.8:
        found.append("unsupported")
    if item.kind == "mcq":
        normalised = [_norm(o) for o in item.options]
        if not 3 <= len(item.options) <= 4 or len(set(normalised)) != len(normalised) \
                or not 0 <= item.answer_index < len(item.options) \
                or _norm(item.options[item.answer_index]) != _norm(item.expected):
            found.append("options")
        else:
            descriptions = {_norm(e.term): e.description for e in _source_entries(item.source)}
            asked = _words(descriptions.get(_norm(item.expected), ""))
            for i, option in enumerate(item.options):
                theirs = _words(descriptions.get(_norm(option), ""))
                if i != item.answer_index and asked and theirs and len(asked & theirs) / len(asked | theirs) >= 0.6:
                    found.append("several_right")
                    break
    question = _words(item.question)
    answers = [item.expected] if item.kind != "list" else item.parts
    if any(_words(a) and _words(a) <= question for a in answers):
        found.append("gives_away")
    return found


def _source_entries(text: str) -> list[Entry]:
    entries_ = [Entry(clean(m.group("term")), clean(m.group("desc"))) for m in map(_ENTRY.match, text.splitlines()) if m]
    return [Entry(_capital(_ARTICLE.sub("", e.term)), e.description) for e in entries_]


def is_duplicate(item: Item, seen: list[Item], recent_ids: set[str]) -> bool:
    """The same item as one already in the quiz or answered recently, or the same question in other words."""
    if item.id in recent_ids or any(item.id == other.id for other in seen):
        return True
    words = _words(item.question) | _words(item.expected)
    for other in seen:
        theirs = _words(other.question) | _words(other.expected)
        if words and len(words & theirs) / len(words | theirs) >= 0.8:
            return True
    return False


def chosen_option(answer: str, options: list[str]) -> int | None:
    """The option a learner picked by letter ("B", "b)"), number ("2") or by writing it; None if unclear."""
    text = fold(answer).strip(" .!)").strip()
    if len(text) == 1 and "a" <= text <= chr(ord("a") + len(options) - 1):
        return ord(text) - ord("a")
    if text.isdigit() and 1 <= int(text) <= len(options):
        return int(text) - 1
    matches = [i for i, option in enumerate(options) if fold(option) in fold(answer)]
    return matches[0] if len(matches) == 1 else None
