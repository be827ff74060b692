"""Text normalisation shared by every string match of the eval suite."""

from __future__ import annotations

import re
import unicodedata

_PUNCT_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case folded, accents removed, apostrophes and punctuation turned into spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", text)).strip()


def contains(haystack: str, needle: str) -> bool:
    """Substring match after normalising both sides; an empty needle never matches."""
    n = normalize(needle)
    return bool(n) and n in normalize(haystack)
