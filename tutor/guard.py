"""Learner input hygiene: limits, invisible characters, and attempts to override the tutor's rules."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000
# Zero-width and bidi controls can hide text from a reader while the model still sees it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Chat-template tokens (Qwen/ChatML, Llama, ...) must never reach the model from data.
_TEMPLATE_TOKENS = re.compile(r"<\|[^|>]{1,40}\|>|\[/?INST\]|<</?SYS>>", re.IGNORECASE)
_INJECTION = re.compile(
    r"(ignore[rsz]?|oublie[rsz]?|forget|disregard|n[e']\s*tiens?\s+pas\s+compte)\b.{0,40}"
    r"\b(instructions?|consignes?|r[èe]gles?|rules|prompt|cours|course|above|pr[ée]c[ée]dent|previous)"
    r"|\b(tu es|vous [êe]tes|you are)\s+(maintenant|d[ée]sormais|now)\b"
    r"|\b(jailbreak|DAN)\b"
    r"|\b(r[ée]v[èe]le[rsz]?|reveal|leak)\b.{0,30}\b(instructions?|prompt|consignes?)\b",
    re.IGNORECASE,
)


class QuestionError(ValueError):
    """A question the tutor cannot take; `code` selects the learner-facing message."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        super().__init__(detail or code)


MESSAGES = {
    "empty": {"fr": "Votre message est vide : posez-moi une question sur le cours.",
              "en": "Your message is empty: ask me a question about the course."},
    "too_long": {"fr": "Votre message est trop long ({n} caractères, {limit} au plus). Raccourcissez-le et "
                       "posez une question précise.",
                 "en": "Your message is too long ({n} characters, {limit} at most). Shorten it and ask one "
                       "precise question."},
}


def error_message(exc: QuestionError, language: str, limit: int = MAX_QUESTION_CHARS, n: int = 0) -> str:
    texts = MESSAGES.get(exc.code, MESSAGES["empty"])
    return texts.get(language, texts["fr"]).format(n=f"{n:,}".replace(",", " "), limit=limit)


def clean_text(text: str) -> str:
    """Drop control, zero-width and chat-template characters; normalise Unicode; collapse spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    text = _TEMPLATE_TOKENS.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def clean_question(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """The question ready for the engine, or QuestionError('empty' | 'too_long')."""
    if text is None:
        raise QuestionError("empty")
    if len(text) > limit * 4:  # don't even normalise a huge paste
        raise QuestionError("too_long", str(len(text)))
    cleaned = clean_text(text)
    if not cleaned:
        raise QuestionError("empty")
    if len(cleaned) > limit:
        raise QuestionError("too_long", str(len(cleaned)))
    return cleaned


def looks_like_injection(text: str) -> bool:
    """True for an attempt to override the tutor's rules ("ignore tes instructions", "you are now ...")."""
    return _INJECTION.search(text) is not None
