"""Which language the learner writes in (French or English), offline (py3langid, restricted to fr/en)."""

from __future__ import annotations

import threading
from functools import lru_cache

SUPPORTED = ("fr", "en")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def detect_language(text: str, previous: str | None = None, default: str = "fr") -> str:
    """'fr' or 'en'. Short or ambiguous text ("LLM ?") keeps the conversation's language."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    fallback = previous if previous in SUPPORTED else default
    if len(words) < 3:
        return fallback
    with _lock:
        lang, confidence = _identifier().classify(text)
    return lang if confidence >= 0.9 else fallback
