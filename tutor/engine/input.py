"""Learner input hygiene: limits, invisible characters, and attempts to override the tutor's rules."""

from __future__ import annotations

import re

from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.text import clean_text

MAX_QUESTION_CHARS = 2000
_INJECTION = re.compile(
    r"(ignore[rsz]?|oublie[rsz]?|forget|disregard|n[e']\s*tiens?\s+pas\s+compte)\b.{0,40}"
    r"\b(instructions?|consignes?|r[èe]gles?|rules|prompt|cours|course|above|pr[ée]c[ée]dent|previous)"
    r"|\b(tu es|vous [êe]tes|you are)\s+(maintenant|d[ée]sormais|now)\b"
    r"|\b(jailbreak|DAN)\b"
    r"|\b(r[ée]v[èe]le[rsz]?|reveal|leak)\b.{0,30}\b(instructions?|prompt|consignes?)\b",
    re.IGNORECASE,
)


class QuestionError(LearnerError):
    """A message the tutor cannot take: `code` is "empty" or "too_long"; the text says what to do."""

    def __init__(self, code: str, n: int = 0, limit: int = MAX_QUESTION_CHARS):
        super().__init__(code, MESSAGES[code].format(n=f"{n:,}".replace(",", " "), limit=limit), f"{code} ({n})")
        self.n = n


MESSAGES = {
    "empty": Text("Votre message est vide : posez-moi une question sur le cours.",
                  "Your message is empty: ask me a question about the course."),
    "too_long": Text("Votre message est trop long ({n} caractères, {limit} au plus). Raccourcissez-le et posez "
                     "une question précise.",
                     "Your message is too long ({n} characters, {limit} at most). Shorten it and ask one precise "
                     "question."),
}


def clean_question(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """The question ready for the engine, or QuestionError('empty' | 'too_long')."""
    if text is None:
        raise QuestionError("empty")
    if len(text) > limit * 4:  # don't even normalise a huge paste
        raise QuestionError("too_long", len(text), limit)
    cleaned = clean_text(text)
    if not cleaned:
        raise QuestionError("empty")
    if len(cleaned) > limit:
        raise QuestionError("too_long", len(cleaned), limit)
    return cleaned


def looks_like_injection(text: str) -> bool:
    """True for an attempt to override the tutor's rules ("ignore tes instructions", "you are now ...")."""
    return _INJECTION.search(text) is not None
