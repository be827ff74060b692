"""Citations decided by code, not by the model.

Small models cite unreliably (brackets used as list numbers, a citation on an invented sentence). For each
sentence of the answer the engine finds the extract it comes from (the model's `[n]` first, then the
extract sharing most of its words, or, across languages, the closest by embedding), then asks the support
check (tutor.engine.support) whether that extract states it: a supported sentence gets its citation, a
contradicted one (a swapped subject, a changed number, a negation) is repaired by quoting the extract, and
one no extract supports is dropped. Nothing is shown with a citation that its extract does not support.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tutor.text import analyze, strip_citations
from tutor.text import cited as cited_numbers

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LINK = re.compile(r"(?:https?://|www\.)[^\s()\[\]<>«»\"]+", re.IGNORECASE)
# A sentence ends at a line break or after . ! ? … ; not after a list item's number ("1. Téléchargez…").
SEGMENTS = re.compile(r"(\n+|(?<=[.!?…])(?<!^\d\.)(?<!^\d\d\.)\s+)", re.MULTILINE)
MIN_OVERLAP = 0.5  # share of a sentence's content words found in the extract
MIN_WORDS = 3  # shorter segments ("Les quatre parties sont :") are neither supported nor unsupported


@dataclass
class SentenceCheck:
    text: str
    cited: list[int]
    kept: list[int]
    attributed: int | None
    supported: bool | None  # None: too short to judge
    outcome: str = "kept"  # kept | repaired | dropped
    reason: str = ""  # the support check's reason when it was not kept as written


@dataclass
class CitationCheck:
    answer: str
    used: list[int]  # extract numbers, in order of first use
    dropped: list[int]  # the model's markers that were removed
    sentences: list[SentenceCheck] = field(default_factory=list)

    @property
    def judged(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.supported is not None]

    @property
    def unsupported(self) -> list[str]:
        return [s.text for s in self.judged if not s.supported]

    @property
    def repaired(self) -> list[str]:
        return [s.text for s in self.sentences if s.outcome == "repaired"]

    @property
    def dropped_sentences(self) -> list[str]:
        return [s.text for s in self.sentences if s.outcome == "dropped"]

    @property
    def support_ratio(self) -> float:
        judged = self.judged
        return sum(1 for s in judged if s.supported) / len(judged) if judged else 0.0


def links_in(text: str) -> set[str]:
    """The web addresses a text gives, without the punctuation that ends the sentence around them."""
    return {link.rstrip(".,;:!?").lower() for link in _LINK.findall(text)}


def _overlap(sentence_words: set[str], extract_words: set[str]) -> float:
    return len(sentence_words & extract_words) / len(sentence_words) if sentence_words else 0.0


def check_citations(
    answer: str,
    extracts: Sequence[str],
    similarity: Callable[[str, int], float] | None = None,
    min_similarity: float = 1.1,
    judge: Callable[[str, int], object] | None = None,
    quote: Callable[[str, str], str | None] | None = None,
) -> CitationCheck:
    """Check and repair the `[n]` citations of `answer` against `extracts` (numbered from 1).

    `similarity(sentence, n)` is an optional cross-language support score (cosine), trusted at or above
    `min_similarity`. `judge(sentence, n)` (optional) is the support check's `Verdict` for a sentence
    against extract n: with it, contradicted sentences are repaired and unsupported ones dropped.
    `quote(evidence, extract)` writes the repair (default `quotation`: the course's words, quoted).
    """
    quote = quote or quotation
    extract_words = [set(analyze(text)) for text in extracts]
    extract_numbers = [set(_NUMBER.findall(text)) for text in extracts]
    extract_links = [links_in(text) for text in extracts]
    parts = SEGMENTS.split(answer)
    out: list[str] = []
    used: list[int] = []
    dropped: list[int] = []
    checks: list[SentenceCheck] = []
    for i, part in enumerate(parts):
        if i % 2 == 1 or not part.strip():  # separators and blanks are kept as they are
            out.append(part)
            continue
        item = ITEM.match(part)  # a list item's marker is kept as it is, and is not a number of the claim
        marker = item.group(0) if item else ""
        cited = cited_numbers(part)
        bare = strip_citations(part[len(marker):]).rstrip()
        words = set(analyze(bare))
        numbers, links = set(_NUMBER.findall(bare)), links_in(bare)
        scores = [_overlap(words, ew) for ew in extract_words]

        def supports(n: int, numbers=numbers, links=links, scores=scores, bare=bare) -> bool:
            if not 1 <= n <= len(extracts):
                return False
            if not numbers <= extract_numbers[n - 1] or not links <= extract_links[n - 1]:
                return False  # a number or a web address the extract lacks is an invented fact
            if scores[n - 1] >= MIN_OVERLAP:
                return True
            return similarity is not None and similarity(bare, n) >= min_similarity

        kept = [n for n in dict.fromkeys(cited) if supports(n)]
        dropped += [n for n in cited if n not in kept]
        attributed = None
        # Rhetorical questions and short list headers ("Les quatre parties sont :") claim nothing.
        judged = len(words) >= MIN_WORDS and not bare.endswith("?")
        if not kept and judged and extracts:
            best = max(range(len(extracts)), key=lambda j: scores[j]) + 1
            if supports(best):
                attributed = best
            elif similarity is not None:
                best = max(range(1, len(extracts) + 1), key=lambda n: similarity(bare, n))
                attributed = best if supports(best) else None
        marks = kept or ([attributed] if attributed else [])
        check = SentenceCheck(bare, cited, kept, attributed, bool(marks) if judged else None)
        text = bare
        if judge is not None and judged:
            verdict = judge(bare, marks[0]) if marks else None
            repaired = quote(verdict.evidence, extracts[marks[0] - 1]) \
                if verdict is not None and verdict.label == "contradicted" and verdict.evidence else None
            if repaired:
                text, check.outcome, check.reason = repaired, "repaired", verdict.reason
            elif verdict is None or verdict.label != "supported":
                marks, check.outcome = [], "dropped"
                check.reason = verdict.reason if verdict is not None else "no_extract"
                check.supported = False
        for n in marks:
            if n not in used:
                used.append(n)
        checks.append(check)
        shown = with_markers(text, marks)
        if check.outcome == "dropped" or (check.outcome == "repaired" and _said(text, out)):  # a quote is given once
            if out and i > 0 and out[-1].strip() == "":
                out.pop()  # the separator before a dropped sentence goes with it
            continue
        out.append(marker + shown)
    return CitationCheck(renumbered("".join(out).strip()), used, dropped, checks)


def _said(sentence: str, shown: list[str], share: float = 0.8) -> bool:
    """The answer already says this sentence: one shown before has most of its meaning words (a repair that
    quotes what a kept sentence said in other words: "« Ils sont plus polyvalents, mais… »")."""
    words = set(analyze(_plain(sentence)))
    return bool(words) and any(len(words & set(analyze(_plain(s)))) >= share * len(words) for s in shown)


ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_NUMBERED = re.compile(r"^(\s*)(\d+)([.)]\s)")


def renumbered(text: str) -> str:
    """The answer with each numbered list counted from 1 again, so that a dropped item leaves no gap ("2.",
    "3." after "1." was dropped). A list runs over numbered lines and blank lines; any other line ends it."""
    lines, n = text.split("\n"), 0
    for i, line in enumerate(lines):
        m = _NUMBERED.match(line)
        if m:
            n += 1
            lines[i] = f"{m.group(1)}{n}{m.group(3)}{line[m.end():]}"
        elif line.strip():
            n = 0
    return "\n".join(lines)


def quotation(evidence: str, extract: str) -> str | None:
    """What replaces a contradicted sentence: the extract's own sentence, quoted; when that sentence introduces
    a list ("... telles que :"), the list's items with it; nothing for the extract's heading, which states
    no fact (the sentence is then dropped)."""
    text = course_words(evidence, extract)
    return f"« {text} »" if text else None


def course_words(evidence: str, extract: str) -> str | None:
    """The course's own words for `evidence` (a unit of `extract`), without Markdown, a list with its
    introduction; None for the extract's heading."""
    lines = extract.splitlines()
    if lines and " — " in lines[0] and evidence.strip() == lines[0].strip():
        return None
    plain = _plain(evidence)
    if not plain.endswith(":"):
        return plain
    start = next((i for i, line in enumerate(lines) if evidence.strip() in line), len(lines))
    items = []
    for line in lines[start + 1:]:
        if ITEM.match(line):
            items.append(_plain(line))
        elif line.strip() or items:
            break
    return f"{plain} {' ; '.join(items)}" if items else None


def course_sentences(extract: str, n: int) -> list[str]:
    """The extract's sentences in the course's words, each cited [n] (its heading and list introductions
    left out: they state no fact on their own)."""
    lines = extract.splitlines()
    body = lines[1:] if lines and " — " in lines[0] else lines
    out = []
    for line in body:
        for part in re.split(r"(?<=[.!?…])\s+", _plain(line)):
            part = part.strip()
            if len(part.split()) >= 4 and not part.endswith(":") and not part.startswith("#"):
                end = part[-1] if part[-1] in ".!?…" else ""
                out.append(f"{part[:len(part) - len(end)].rstrip()} [{n}]{end or '.'}")
    return out


def _plain(text: str) -> str:
    """An extract's line as a quotation: no Markdown emphasis, no list marker."""
    return re.sub(r"\s+", " ", re.sub(r"\*\*|__|^\s*(?:[-*•]|\d+[.)])\s*", "", text)).strip(" ;")


def with_markers(sentence: str, marks: list[int]) -> str:
    """The sentence with its citation markers, before its final punctuation."""
    if not marks:
        return sentence
    tag = "".join(f"[{n}]" for n in marks)
    if sentence.endswith("|"):  # a table row: the marker goes inside the last cell
        return f"{sentence[:-1].rstrip()} {tag} |"
    match = re.search(r"[.!?…:;]+$", sentence)
    if match:
        head = sentence[:match.start()]
        space = " " if head.endswith(" ") else ""  # French typography: "sont :" stays "sont [1] :"
        return f"{head.rstrip()} {tag}{space}{match.group()}"
    return f"{sentence} {tag}"
