"""The conversation around a question: the turns kept for the prompt, and follow-ups made standalone.

"Et sur combien de mots ?" means nothing to retrieval on its own: a follow-up is rewritten into a
standalone question by the model (one short call), with a plain fallback when the rewrite is unusable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.errors import LearnerError
from tutor.text import analyze, clean_text

HISTORY_TURNS = 6
HISTORY_TURN_CHARS = 400
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


def needs_rewrite(question: str) -> bool:
    """A question that leans on the conversation ("Et sur combien de mots ?", "And which one ...?")."""
    return len(question.split()) <= 4 or _FOLLOW_UP.search(question) is not None


def standalone_question(question: str, turns: list[dict], prompt, llm, marker: str) -> str:
    """A standalone version of a follow-up (`prompt`: the rewrite prompt file; `llm`: a ChatProvider);
    falls back to joining it to the last question."""
    last_user = next((t["content"] for t in reversed(turns) if t["role"] == "user"), "")
    fallback = f"{last_user} {question}".strip()
    history = "\n".join(f"{'Apprenant' if t['role'] == 'user' else 'Tuteur'} : {t['content']}"
                        for t in turns[-4:])
    parts = prompt.render(history=history, question=question)
    try:
        text = "".join(llm.stream(parts.messages())).strip().splitlines()
    except LearnerError:
        return fallback
    rewritten = clean_text(text[0]) if text else ""
    if not rewritten or len(rewritten) > 3 * len(fallback) + 40 or marker in rewritten \
            or not set(analyze(rewritten)) - set(analyze(question)):  # it resolved nothing
        return fallback
    # Keep the learner's words too: retrieval then matches both the rewrite and the original.
    return f"{rewritten} {question}" if question.lower() not in rewritten.lower() else rewritten
