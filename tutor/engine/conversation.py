"""The conversation around a question: the turns kept for the prompt, and follow-ups made standalone.

"Et sur combien de mots ?" means nothing to retrieval on its own: a follow-up is searched together with the
learner's previous question, and the model sees the last exchange, so "il" stays what it was. No model
call is spent on rewriting: on a CPU it cost more than the answer's own first word (2-4 s a turn).
An ordinal that points into the tutor's last list ("Et la dernière, elle correspond à quoi ?" after "les
instructions, le contexte, les données d'entrée et la sortie") is resolved by code: the item is written
beside it, for retrieval and for the model ("Et la dernière (la sortie), ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.engine.citations import ITEM
from tutor.text import clean_text, strip_citations

HISTORY_TURNS = 2  # the last exchange: what a follow-up leans on, and a short prompt
HISTORY_TURN_CHARS = 300
_FOLLOW_UP = re.compile(
    r"^(et|mais|alors|donc|ensuite|puis|and|but|so|then|what about)\b"
    r"|\b(il|ils|elle|elles|celui|celle|ceux|cela|ça|ce dernier|leur|leurs|y|en|"
    r"it|they|them|its|their|this one|that one|which one)\b",
    re.IGNORECASE,
)


_ORDINAL = re.compile(r"\b(?:le|la|les|the)\s+(?P<rank>premi[eè]re?|deuxi[eè]me|second[e]?|troisi[eè]me|"
                      r"quatri[eè]me|cinqui[eè]me|derni[eè]re?|first|third|fourth|fifth|last)\b", re.IGNORECASE)
_RANKS = {"prem": 0, "firs": 0, "deux": 1, "seco": 1, "troi": 2, "thir": 2, "quat": 3, "four": 3, "cinq": 4,
          "fift": 4, "dern": -1, "last": -1}
_SEPARATORS = re.compile(r",\s*(?:et|and|ou|or)?\s*|\s+(?:et|and|ou|or)\s+")


def listed(answer: str) -> list[str]:
    """The items of an answer's enumeration: its bullet lines, or else "A, B, C et D" after its last colon."""
    text = strip_citations(answer)
    items = [line[m.end():] for line in text.splitlines() if (m := ITEM.match(line))]
    if len(items) < 2 and ":" in text:
        tail = text.rsplit(":", 1)[1].strip().split("\n", 1)[0]
        items = _SEPARATORS.split(tail.rstrip(" .;!"))
    items = [i.strip(" «»“”\"'.;").split(" : ", 1)[0].strip(" «»“”\"'") for i in items]
    return [i for i in items if i and len(i.split()) <= 8] if len(items) >= 2 else []


def with_referent(question: str, history: Sequence[dict]) -> str:
    """The question with the item an ordinal of it points to in the tutor's last answer written beside it."""
    match = _ORDINAL.search(question)
    last = next((str(t.get("content", "")) for t in reversed(list(history)) if t.get("role") == "assistant"), "")
    items = listed(last) if match else []
    rank = _RANKS[match.group("rank").lower()[:4]] if match else 0
    if not items or rank >= len(items):
        return question
    return f"{question[:match.end()]} ({items[rank]}){question[match.end():]}"


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
