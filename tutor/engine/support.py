"""Does a reference text support a claim? Supported, contradicted, or unsupported, with the reason.

Used wherever a claim meets the course: an answer's sentence and the extract it cites, a learner's
statement and the lesson, a learner's answer and the expected one. Word overlap alone cannot see a
swapped subject or a changed number, so the verdict comes from checks that can:
- coverage: the claim's meaning words must be found in the reference (else it adds facts: unsupported),
- quantities: every amount the claim states must be one the reference states for the same thing,
- polarity: a claim that denies what the reference affirms (or the reverse) contradicts it,
- order: a claim that puts the reference's two steps the other way round contradicts it (tutor.engine.sequence),
- roles: a claim that exchanges two terms around the reference's own words ("les modèles de base sont un
  sous-ensemble des LLM") contradicts it, and so does one that gives the definition of one term of the
  reference to another ("un bon prompt est contextuel quand il dit précisément ce qui est demandé"),
- names: a claim that says of one named thing what the reference says of another contradicts it (so does
  one that says of one side of a lesson's comparison what the section says of the other); one about a thing
  the reference never names is unsupported (the reference is silent about it),
- the model's reading: for what rules cannot see, the chat model says whether the reference states the
  claim, as a probability read from its next-token distribution (tutor.providers.chat.ChatProvider.choose).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import HumanMessage, SystemMessage

from tutor.engine.amounts import quantity_mismatch, unsized, vaguer
from tutor.engine.attribution import attributed, misattributed
from tutor.engine.claims import (
    aligned,
    named_in,
    names,
    names_swapped,
    overlap,
    polarity_conflict,
    roles_swapped,
    subject_swapped,
    units,
)
from tutor.engine.sequence import order_swapped
from tutor.text import analyze

# Share of the claim's meaning words found in the reference below which it adds facts (unsupported) without
# asking the model; above it the model reads. 0.5 flagged 6 supported paraphrases of entailment-dev, 0.3 none
# more additions missed (P 0.76 -> 0.82 at the same recall 0.89).
MIN_COVERAGE = 0.3
PREMISE_CHARS = 500  # what the model reads of an extract, at least its 3 closest sentences
THRESHOLD = 0.4  # the model's "yes" probability from which a claim is supported (chosen on entailment-dev)
JUDGE_SYSTEM = ("Tu vérifies des affirmations à partir d'un extrait de cours. Une affirmation est confirmée "
                "seulement si l'extrait la dit, sans la contredire ni y ajouter d'information. Réponds "
                "seulement par oui ou par non.")
JUDGE_QUESTION = "Extrait :\n{reference}\n\nAffirmation : {claim}\n\nL'extrait confirme-t-il cette affirmation ? " \
                 "Réponds par oui ou par non."


@dataclass(frozen=True)
class Verdict:
    label: str  # supported | contradicted | unsupported
    reason: str  # coverage | quantity | polarity | name | copy | model | ok
    score: float  # how strongly the reference supports the claim, 0..1
    evidence: str = ""  # the part of the reference the claim lines up with

    @property
    def supported(self) -> bool:
        return self.label == "supported"


class SupportJudge:
    """Rules first; the model (optional) for claims the rules let through. `threshold`: the probability of
    "yes" from which the model's reading counts as support (fitted on evals/entailment-dev.jsonl)."""

    def __init__(self, llm=None, threshold: float = THRESHOLD):
        self.llm = llm
        self.threshold = threshold

    def check(self, claim: str, reference: str, related: bool = False) -> Verdict:
        """`related`: the claim is already known to be about the reference by other means (an English
        sentence close to a French extract by embedding), so few shared words is no reason to reject it."""
        words = set(analyze(claim))
        ref_words = set(analyze(reference))
        best = aligned(claim, _body(reference), 1)  # the heading states no fact: never the evidence
        evidence = best[0] if best else ""
        coverage = overlap(words, ref_words)
        if coverage < MIN_COVERAGE and not related:
            return Verdict("unsupported", "coverage", coverage, evidence)
        mismatch = quantity_mismatch(claim, reference)
        if mismatch:
            return Verdict("contradicted" if mismatch == "changed" else "unsupported", "quantity", 0.0, evidence)
        counted = next((unit for unit in aligned(unsized(claim), _body(reference), 2) if vaguer(claim, unit, reference)), None)
        if counted:  # the course's amount said as "a lot": repaired with the sentence that gives it
            return Verdict("contradicted", "quantity", 0.0, counted)
        if best and polarity_conflict(claim, best[0]):
            return Verdict("contradicted", "polarity", 0.0, evidence)
        if best and order_swapped(claim, best[0]):
            return Verdict("contradicted", "order", 0.0, evidence)
        if names_swapped(claim, reference):
            return Verdict("contradicted", "name", 0.0, evidence)
        if best and roles_swapped(claim, best[0]):  # "les modèles de base sont un sous-ensemble des LLM"
            return Verdict("contradicted", "role", 0.0, evidence)
        if given := misattributed(claim, reference):  # one term's definition given to another of the extract
            return Verdict("contradicted", "role", 0.0, given)
        if swapped := subject_swapped(claim, reference):  # said of the other side of the lesson's comparison
            return Verdict("contradicted", "name", 0.0, swapped)
        if not named_in(claim, reference):  # what the claim says of a thing the reference never names
            return Verdict("unsupported", "name", 0.0, evidence)
        if self.llm is None or (best and _in_order(analyze(claim), analyze(best[0]))):
            return Verdict("supported", "copy" if self.llm is not None else "ok", coverage, evidence)
        if attributed(claim, reference):  # each term with what the extract says of it, in the extract's words
            return Verdict("supported", "copy", coverage, evidence)
        p = self.model_reading(claim, reference)
        return Verdict("supported" if p >= self.threshold else "contradicted", "model", p, evidence)

    def model_reading(self, claim: str, reference: str) -> float:
        messages = [SystemMessage(JUDGE_SYSTEM),
                    HumanMessage(JUDGE_QUESTION.format(reference=premise(claim, reference), claim=claim))]
        return self.llm.choose(messages, {"yes": ("oui", "Oui"), "no": ("non", "Non")})["yes"]


def _body(reference: str) -> str:
    """The extract without its "Lesson — Section" heading line (the whole extract when it is all heading)."""
    first, _, rest = reference.partition("\n")
    return rest if " — " in first and rest.strip() else reference


def premise(claim: str, reference: str, budget: int = PREMISE_CHARS) -> str:
    """What the model reads the claim against: the extract's heading, then the sentences and list items that
    share the most with the claim (those naming what it names first), up to `budget` characters, in the
    extract's order, so that a list reads as a list ("deux exemples : Amazon Titan ; Stable Diffusion")."""
    first = reference.split("\n", 1)[0]
    head = first if " — " in first else ""
    words, said = set(analyze(claim)), names(claim)
    pieces = [u for u in units(reference) if u != head]
    ranked = sorted(range(len(pieces)), key=lambda i: -(overlap(words, set(analyze(pieces[i])))
                                                          + (1.0 if said & names(pieces[i]) else 0.0)))
    chosen, size = [], 0
    for i in ranked:
        if len(chosen) >= 3 and size + len(pieces[i]) > budget:
            break
        chosen.append(i)
        size += len(pieces[i])
    return "\n".join(([head] if head else []) + [pieces[i] for i in sorted(chosen)])


def _in_order(claim: list[str], unit: list[str]) -> bool:
    """Every meaning word of the claim appears in the extract's sentence, in the same order: a near-copy,
    which the rules above have already cleared of changed numbers and negations."""
    words = iter(unit)
    return bool(claim) and all(word in words for word in claim)
