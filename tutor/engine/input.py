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
    r"|\b(r[ée]v[èe]le[rsz]?|reveal|leak|affiche[rsz]?|montre[rsz]?|print|show|r[ée]p[èe]te[rsz]?|repeat|"
    r"donne[rsz]?|give|tell me|dis-moi)\b.{0,25}\b(tes|ton|vos|votre|your|the|les|le)\s+(instructions?|"
    r"prompt|consignes?|r[èe]gles?|rules)\s*(internes?|syst[èe]mes?|system|secr[èe]t\w*|cach[ée]\w*|hidden|"
    r"initia\w*|internal|original\w*)"
    r"|\b(r[ée]v[èe]le[rsz]?|reveal|leak|affiche[rsz]?|montre[rsz]?|print|show|donne[rsz]?|give|tell me)\b.{0,20}"
    r"\b(tes|ton|vos|votre|your)\s+(instructions?|prompt|consignes?|r[èe]gles?|rules)\b"
    r"|\b(prompt syst[èe]me|system prompt|hidden instructions|instructions cach[ée]es|instructions internes)\b"
    r"|\b(fais comme si|fait comme si|faites comme si|pretend|act as if|imagine que tu|role-?play)\b.{0,40}"
    r"\b(pas de r[èe]gles?|sans r[èe]gles?|aucune r[èe]gle|no rules?|without rules?|unfiltered|sans filtre|"
    r"no filter|pas de limites?|no limits?|pas de consignes?)"
    r"|\b(oublie[rsz]?|forget|ignore[rsz]?)\b.{0,15}\b(le cours|the course|ton r[ôo]le|your role)\b",
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
