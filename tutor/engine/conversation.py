"""The conversation around a question: the turns kept for the prompt, and follow-ups made standalone.

"Et sur combien de mots ?" means nothing to retrieval on its own: a follow-up is searched together with the
learner's previous question, and the model sees the last exchange, so "il" stays what it was. No model
call is spent on rewriting: on a CPU it cost more than the answer's own first word (2-4 s a turn).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.text import clean_text

HISTORY_TURNS = 2  # the last exchange: what a follow-up leans on, and a short prompt
HISTORY_TURN_CHARS = 300
_FOLLOW_UP = re.compile(
    r"^(et|mais|alors|donc|ensuite|puis|and|but|so|then|what about)\b"
    r"|\b(il|ils|elle|elles|celui|celle|ceux|cela|ça|ce dernier|leur|leurs|y|en|"
    r"it|they|them|its|their|this one|that one|which one)\b",
    re.IGNORECASE,
)


def trim_history(history: Sequence[dict]) -> list[dict]:
    """The last turns, each cleaned and shortened, so the prompt stays small on a 2-core machine."""
    turns = []
    for turn in list(history)[-HISTORY_TURNS:]:
        role = turn.get("role")
        content = clean_text(str(turn.get("content", "")))
        if role in ("user", "assistant") and content:
            if len(content) > HISTORY_TURN_CHARS:
                content = content[:HISTORY_TURN_CHARS].rsplit(" ", 1)[0] + " …"
            turns.append({"role": role, "content": content})
    return turns


def leans_on_context(question: str) -> bool:
    """A question that points back at the conversation ("Et il sert à quoi ?", "And which one ...?")."""
    return _FOLLOW_UP.search(question) is not None


def is_follow_up(question: str) -> bool:
    """A question that may lean on the conversation: pointing back at it, or too short to stand alone."""
    return len(question.split()) <= 4 or leans_on_context(question)


def standalone_question(question: str, turns: list[dict]) -> str:
    """What to search for a follow-up: the question and the learner's previous question together."""
    last_user = next((t["content"] for t in reversed(turns) if t["role"] == "user"), "")
    return f"{question} {last_user}".strip()
