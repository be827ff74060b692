"""Complete answers: when the question asks for what an extract enumerates, the answer gives every item.

A small model asked for "the techniques to improve a prompt" often names the first one only. When the
answer cites an extract with a definition list ("- **terme** : ..."), names at least one of its items,
and the question is about the list as a whole (it shares more words with the list's heading and lead than
with any single item), the items the answer left out are added, quoted from the extract and cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tutor.i18n import Text
from tutor.text import analyze, fold

_ENTRY = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*\*\*(?P<term>[^*]{2,80})\*\*[^:\n]*:\s*(?P<desc>.+?)\s*$")
ALSO = Text("Le cours en cite aussi : {items} [{n}].", "The course also lists: {items} [{n}].")


def entries(text: str) -> list[tuple[str, str]]:
    return [(m.group("term").strip(), m.group("desc").strip()) for m in map(_ENTRY.match, text.splitlines()) if m]


def lead(text: str) -> str:
    """The lines of an extract before its list (its heading line included, when it has one)."""
    lines = []
    for line in text.splitlines():
        if _ENTRY.match(line):
            break
        lines.append(line)
    return " ".join(lines)


def mentioned(term: str, description: str, answer_words: set[str], answer_folded: str) -> bool:
    words = set(analyze(term))
    return fold(term) in answer_folded or (bool(words) and words <= answer_words) or \
        (len(set(analyze(description)) & answer_words) >= max(2, len(set(analyze(description))) // 2))


def complete(question: str, answer: str, extracts: list[str], cited: list[int], language: str,
             translate: Callable[[str], str | None] | None = None) -> tuple[str, list[int]]:
    """The answer with the missing items of the enumeration it answers from, and the extracts it now cites;
    `translate` (optional) gives an item in the learner's language when it is not the course's (the item
    stays as the course writes it when no translation holds)."""
    question_words = set(analyze(question))
    answer_words, answer_folded = set(analyze(answer)), fold(answer)
    for n in cited:
        items = entries(extracts[n - 1])
        if len(items) < 2:
            continue
        found = [mentioned(t, d, answer_words, answer_folded) for t, d in items]
        if not any(found) or all(found):
            continue
        on_list = len(question_words & set(analyze(lead(extracts[n - 1]))))
        on_item = max(len(question_words & set(analyze(f"{t} {d}"))) for t, d in items)
        if on_list == 0 or on_list < on_item:
            continue  # the question is about one item, not the list
        missing = [(translate and translate(t)) or t for (t, _), ok in zip(items, found) if not ok]
        quoted = " ; ".join(f"« {t} »" if language != "en" else f"“{t}”" for t in missing)
        return f"{answer.rstrip()}\n\n{ALSO.get(language, items=quoted, n=n)}", cited
    return answer, cited
