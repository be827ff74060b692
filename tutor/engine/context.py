"""The context part of the prompt: the retrieved extracts, each cut to what bears on the question, fenced
as data.

Reading the prompt is most of the time to the first word on a CPU, so each extract keeps the lines that
matter to the question within a budget (the best extract gets the most room; a list the question asks for
is kept whole, so an answer can name every item). Lesson text is data: every extract, its lesson title and
section included, is cleaned of chat-template tokens and set between markers the instructions tell the model
never to obey; the markers themselves cannot occur inside (a lesson line `>>>` would close the fence early
and put what follows among the instructions).
"""

from __future__ import annotations

import re

from tutor.engine.claims import units
from tutor.text import analyze, clean_text

BUDGETS = (900, 450, 300)  # characters of extract text for the 1st, 2nd and 3rd extract
OPEN, CLOSE = "<<<", ">>>"  # the fence the prompts' instructions name
_MARKERS = re.compile(r"<{3,}|>{3,}")


def fenced_data(text: str) -> str:
    """`text` cleaned, with any run of three or more `<` or `>` turned into look-alike angle quotes (‹‹‹, ›››):
    inside the fence, nothing can close it. (Python's `>>>` prompt in a lesson still reads as one.)"""
    return _MARKERS.sub(lambda m: ("‹" if m.group(0)[0] == "<" else "›") * len(m.group(0)), clean_text(text))


def trimmed(question: str, text: str, budget: int) -> str:
    """`text` cut to `budget` characters: whole when it fits, else its lines most related to the question,
    in their original order (a list whose items the question asks for stays whole when it can)."""
    if len(text) <= budget:
        return text
    wanted = set(analyze(question))
    lines = [line for line in text.splitlines() if line.strip()]
    scored = sorted(range(len(lines)), key=lambda i: (-len(wanted & set(analyze(lines[i]))), i))
    kept, used = set(), 0
    for i in scored:
        if used + len(lines[i]) > budget and kept:
            continue
        kept.add(i)
        used += len(lines[i]) + 1
    if used < budget // 2:  # long lines: fall back to sentences
        pieces = units(text)
        kept_text, used = [], 0
        for piece in sorted(pieces, key=lambda p: -len(wanted & set(analyze(p)))):
            if used + len(piece) <= budget or not kept_text:
                kept_text.append(piece)
                used += len(piece) + 1
        return " ".join(p for p in pieces if p in kept_text)
    return "\n".join(lines[i] for i in sorted(kept))


def extracts_block(question: str, chunks) -> str:
    """The numbered, fenced extracts of the prompt's context part."""
    blocks = []
    for n, chunk in enumerate(chunks, 1):
        budget = BUDGETS[min(n - 1, len(BUDGETS) - 1)]
        title = fenced_data(f"{chunk.lesson_title} — {chunk.section}")
        body = fenced_data(trimmed(question, chunk.text, budget))
        blocks.append(f"[{n}] {OPEN}\n{title}\n{body}\n{CLOSE}")
    return "\n\n".join(blocks)


def start_variants(question: str, chunks) -> list[tuple[str, str]] | None:
    """Two (extracts, question) pairs whose prompts share exactly their start up to the end of the first
    extract: every prompt whose first extract is `chunks[0]` starts that way, so that start can be read once
    and kept. None when that extract is cut to the question (too long for its budget): its start is then
    the question's own."""
    if not chunks or len(chunks[0].text) > BUDGETS[0]:
        return None
    return [(extracts_block(question, chunks[:1]), "A"), (extracts_block(question, [chunks[0], chunks[0]]), "Z")]
