"""Languages: which one the learner writes in (French or English, offline), and the one shape of
bilingual text (`Text`): French first, English when the learner writes in English."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

SUPPORTED = ("fr", "en")
_lock = threading.Lock()


@dataclass(frozen=True)
class Text:
    """One learner-facing text in French and in English. `get(language)` picks one (French by default);
    `format(**values)` fills the same placeholders in both."""

    fr: str
    en: str

    def get(self, language: str | None = "fr", **values) -> str:
        text = self.en if language == "en" else self.fr
        return text.format(**values) if values else text

    def format(self, **values) -> Text:
        return Text(self.fr.format(**values), self.en.format(**values))

    def __add__(self, other: Text) -> Text:
        return Text(self.fr + other.fr, self.en + other.en)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


# Words that settle the language of a message too short for the statistical detector ("Hello there!").
_SHORT = {
    "en": {"hello", "hi", "hey", "thanks", "thank", "thx", "bye", "goodbye", "yes", "no", "what", "how", "why",
           "please", "the", "is", "are", "help", "hint", "next", "quiz", "me", "you", "ok", "sure", "right"},
    "fr": {"bonjour", "salut", "merci", "oui", "non", "quoi", "comment", "pourquoi", "le", "la", "les", "est",
           "aide", "indice", "suivant", "moi", "toi", "stp", "svp", "coucou", "bonsoir", "d'accord", "ouais"},
}


def detect_language(text: str, previous: str | None = None, default: str = "fr") -> str:
    """'fr' or 'en'. Short or ambiguous text ("LLM ?") keeps the conversation's language."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    fallback = previous if previous in SUPPORTED else default
    if len(words) < 3:
        tokens = {w.strip("!?.,;:'\"").lower() for w in words}
        hits = {lang: bool(tokens & cues) for lang, cues in _SHORT.items()}
        if hits["en"] != hits["fr"]:
            return "en" if hits["en"] else "fr"
        return fallback
    with _lock:
        lang, confidence = _identifier().classify(text)
    return lang if confidence >= 0.9 else fallback


def conversation_language(history, default: str | None = None) -> str | None:
    """The language of the learner's last turn in `history` (a list of {"role", "content"}), or `default`."""
    for turn in reversed(list(history)):
        if turn.get("role") == "user":
            return detect_language(turn.get("content", ""))
    return default
