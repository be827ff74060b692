"""The model's draft before the checks: a small model sometimes starts by repeating the question (or
answers with nothing else). The repeated question is removed; what is left is the answer. An answer that
only restates the question and points at its source ("Le cours donne un exemple de prompt dans l'extrait
[1].") says nothing, and is not shown as one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.engine.context import CLOSE, OPEN
from tutor.engine.relevance import found
from tutor.text import analyze, strip_citations

MARKER = "HORS_COURS"  # what the answer prompts tell the model to write when the extracts do not answer
DECLINED = object()  # what hold_marker yields when the model answers with the marker

_LEAD = re.compile(r"^\s*(?:\*\*)?(?:question\s*:\s*)?", re.IGNORECASE)
_FIRST = re.compile(r"^(.+?\?)(?:\s+|$)", re.DOTALL)
SAME_WORDS = 0.8  # share of the question's content words a sentence must repeat, and no more than these


# A label the model starts after its answer's last sentence, as if a new exchange began ("… fluently [1]. Answer"),
# sometimes with the sentence's citation after it ("… fluently. Answer [1]": the citation goes back to the sentence).
_TRAILING_LABEL = re.compile(r"(?P<end>[.!?])?(?:(?<=[.!?\]»”])\s+|\s*\n\s*)\**(?:answer|réponse|reponse|question|source|"
                             r"extrait)s?\s*\**\s*:?\s*\**\s*(?P<cite>\[[\d,\s]+\])?\s*$", re.IGNORECASE)


def _cited_end(match: re.Match) -> str:
    cite, end = match.group("cite"), match.group("end") or ""
    return f" {cite}{end}" if cite else end


def without_markup(draft: str) -> str:
    """The draft without the prompt's own markup that the model sometimes copies: the decline marker written
    after an answer, the fence around the extracts ("… [1]. >>>"), and a label it starts after the answer."""
    return _TRAILING_LABEL.sub(_cited_end, draft.replace(MARKER, "").replace(OPEN, "").replace(CLOSE, "").strip())


def strip_echo(question: str, draft: str) -> str:
    """`draft` without a first sentence that repeats `question` (its content words, in a question)."""
    body = _LEAD.sub("", draft, count=1)
    match = _FIRST.match(body)
    if not match:
        return draft
    asked, repeated = set(analyze(question)), set(analyze(match.group(1)))
    if not asked or not repeated:
        return draft
    shared = len(asked & repeated)
    if shared / len(asked) >= SAME_WORDS and shared / len(repeated) >= SAME_WORDS:
        return body[match.end():].lstrip()
    return draft


def hold_marker(tokens: Iterator[str]) -> Iterator[str]:
    """Pass tokens through, except that a reply starting with the decline marker yields DECLINED instead."""
    buffer = ""
    for token in tokens:
        if buffer is None:
            yield token
            continue
        buffer += token
        head = buffer.lstrip(" \n*_`\"'«").upper()
        if head.startswith(MARKER):
            yield DECLINED
            return
        if not MARKER.startswith(head[:len(MARKER)]) or len(head) >= len(MARKER):
            yield buffer
            buffer = None
    if buffer:
        yield buffer


# Words that say where an answer comes from, not what it says.
SOURCE_WORDS = frozenset(analyze("cours leçon extrait section selon voici mentionne cite présente"))
_VERDICT = frozenset(analyze("oui non yes no vrai faux true false"))
_CHOICE = re.compile(r"\s(?:ou|or)\s", re.IGNORECASE)


def says_nothing(question: str, answer: str) -> bool:
    """The answer has no meaning word of its own (each one is the question's or names the source): it
    restates the question, or names its subject ("Quelle version de Stable Diffusion… ?" "Stable Diffusion.").
    An answer that picks one side of a choice the question offers ("Remplacement ou complémentarité ?" "La
    complémentarité.") or says oui/non says something."""
    said, asked = set(analyze(strip_citations(answer))), set(analyze(question))
    return not said & _VERDICT and not said - asked - SOURCE_WORDS and not _CHOICE.search(question)


def restates(question: str, answer: str) -> bool:
    """A yes/no answer that says nothing but its verdict and the question's own words ("Oui, les LLM peuvent
    résumer des gros documents [1].")."""
    said, asked = set(analyze(strip_citations(answer))), set(analyze(question))
    own = [w for w in said - _VERDICT - asked - SOURCE_WORDS  # "peuvent" for the question's "peuve" is asked
           if not found(w, asked) and not any(found(a, {w}) for a in asked)]
    return bool(said & _VERDICT) and not own

