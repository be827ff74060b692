"""The order a sentence gives to steps ("d'abord préentraîné, puis utilisé"), compared with its extract's.

A sentence that names the same two steps as its extract, in the other order ("il sert d'abord à des tâches,
puis il est préentraîné" against "il est d'abord préentraîné, puis il sert à des tâches"), contradicts it:
every word is the extract's, so neither word overlap nor a small model's reading sees it.
"""

from __future__ import annotations

import re

from tutor.engine.claims import overlap
from tutor.text import analyze, fold

# The words that open a step. "avant de"/"après" are left out: "avant de répondre, il lit" puts the second
# step first in the sentence.
_STEP = re.compile(r"\b(?:d'abord|tout d'abord|en premier|premierement|puis|ensuite|apres quoi|enfin|finalement|"
                   r"first|then|next|afterwards|finally)\b")


def steps(text: str) -> list[set[str]]:
    """The meaning words of each step a text orders: what follows each step word, up to the next one
    (nothing when the text orders fewer than two steps)."""
    pieces = _STEP.split(fold(text))
    found = [set(analyze(piece)) for piece in pieces[1:]]
    return [words for words in found if words] if len(found) >= 2 else []


def order_swapped(claim: str, reference: str) -> bool:
    """The claim's first two steps are the reference's two steps the other way round: each lines up better
    with the other's place than with its own."""
    said, stated = steps(claim), steps(reference)
    if len(said) < 2 or len(stated) < 2:
        return False
    (a, b), (first, second) = said[:2], stated[:2]
    return overlap(a, second) > overlap(a, first) and overlap(b, first) > overlap(b, second)
