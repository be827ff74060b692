"""Text normalisation shared by every string match of the eval suite."""

from __future__ import annotations

import re

from tutor.text import fold

_PUNCT_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case folded, accents removed, apostrophes and punctuation turned into spaces, whitespace collapsed."""
    text = fold(text.casefold())
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", text)).strip()


def contains(haystack: str, needle: str) -> bool:
    """Substring match after normalising both sides; an empty needle never matches."""
    n = normalize(needle)
    return bool(n) and n in normalize(haystack)
