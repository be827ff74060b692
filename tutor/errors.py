"""The one learner-facing error type: a code for programs, a message per language for people.

Every failure a learner or an instructor must hear about derives from `LearnerError` (bad input, an
unknown technique, a missing index, a model that does not answer, no image model...). Front doors catch
this one type and show `message(language)`; the details (`str(exc)`) go to the log.
"""

from __future__ import annotations

from tutor.i18n import Text


class LearnerError(Exception):
    """A failure to show in plain words: `code` says what happened, `text` says it in French and English."""

    def __init__(self, code: str, text: Text, detail: str = ""):
        self.code = code
        self.text = text
        super().__init__(detail or text.en)

    def message(self, language: str | None = "fr") -> str:
        return self.text.get(language)


class TutorError(LearnerError):
    """The engine could not answer (no index, no model, a model that fails)."""
