"""Grading a learner's answer (to a check question or a quiz item) or statement: correct, partly correct
or incorrect, with the reason, decided by code against the expected answer and its lesson.

An answer is never graded correct when it contradicts the expected one (another number, the opposite
polarity, the terms bound the other way round, "oui" for "non"), nor when it gives fewer items than the
question asks for; then the share of the expected answer's parts it covers decides between correct, partly
correct and incorrect. A right "oui"/"non" with a wrong reason, and a right claim or list item beside a wrong
one, are partly correct. The chat model's reading (the
probability that the answer means the expected one) settles answers in other words than the lesson's, and
can veto one that has the lesson's words but says something else with them. With embeddings, a small
logistic model (fitted on evals/grading-dev.jsonl by benchmarks/grading_calibration.py, kept in
grading.json per embedding model) weighs four signals: the share of parts covered, the model's reading,
the answer's closeness to the expected one, and its length against the expected one's (a partial answer
gives less). The rules above and the veto still stand over it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from langchain_core.messages import HumanMessage, SystemMessage

from tutor.engine.amounts import NUMBER_WORDS, quantity_mismatch
from tutor.engine.claims import binding, polarity_conflict, roles_swapped
from tutor.engine.relevance import found
from tutor.text import analyze, fold

CORRECT, PARTIAL, INCORRECT = "correct", "partial", "incorrect"
CALIBRATION = Path(__file__).resolve().parent / "grading.json"
SIGNALS = ("coverage", "reading", "closeness", "length")
# The model's "same meaning" probability under which an answer with all the lesson's words is not correct
# (partly correct), and under which it is wrong; chosen on evals/grading-dev.jsonl, where the right answers
# with all the words read 0.19 and above, the wrong ones 0.34 and below.
VETO, SURELY_NOT = 0.35, 0.1
# Under half the parts covered, "correct" needs at least this reading (no dev answer changes with it).
FLOOR = 0.4
_DONT_KNOW = re.compile(r"^\W*(?:je (?:ne )?sais pas|j'?sais pas|jsp|chais pas|sais pas|aucune id[ée]e|no idea|"
                        r"(?:i )?don'?t know|idk|\?+|je passe|pass|rien)\W*$", re.I)
_YES = re.compile(r"^\W*(?:oui|yes|yep|ouais|vrai|true|exact\w*|bien s[uû]r|absolument|tout à fait|c'est ça)\b", re.I)
_NO = re.compile(r"^\W*(?:non|no|nope|faux|false|pas du tout|absolument pas|jamais)\b", re.I)
_BUT = re.compile(r"^\W*(?:mais|but)\b", re.I)
_COUNT = re.compile(r"(?<![-\w])(\d|deux|trois|quatre|cinq|six|sept|huit|neuf|two|three|four|five|seven|eight|nine)\s+"
                    r"(?:[\w'-]+\s+)?[\w'-]+[sx]\b")
_ITEMS = re.compile(r"\s*(?:[,;]|\bet\b|\band\b)\s*", re.I)
_PARTS = re.compile(r"\s*(?:[,;]|\bet\b|\band\b|\bpuis\b|\bthen\b|\bor\b|\bou\b)\s*")
_CLAIMS = re.compile(r"\s*(?:[.;!?]+(?=\s|$)(?!\s*[»\"”])|,\s*(?:et|and|mais|but)\b|\b(?:mais|but|même si|meme si|alors que|"
                     r"tandis que|whereas|although|even though)\b)\s*", re.I)
_EITHER = re.compile(r"\s+(?:ou|or)\s+")
_BRACKETS = re.compile(r"\([^)]*\)|«[^»]*»|\"[^\"]*\"")
JUDGE_SYSTEM = ("Tu corriges la réponse d'un apprenant. Compare-la à la réponse attendue : dit-elle la même chose, "
                "avec ses propres mots ? Réponds seulement par oui ou par non.")
JUDGE_QUESTION = "Question : {question}\nRéponse attendue : {expected}\nRéponse de l'apprenant : {answer}\n\n" \
                 "La réponse de l'apprenant dit-elle la même chose que la réponse attendue ? Réponds par oui ou par non."


@dataclass(frozen=True)
class Grade:
    verdict: str  # correct | partial | incorrect
    reason: str  # dont_know | polarity | quantity | binding | coverage | model | mixed | choice
    coverage: float  # share of the expected answer's parts found in the answer
    wrong: str = ""  # for "mixed": the learner's claim that does not hold

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Signals:
    """What the soft decision weighs, each in [0, 1] but the length ratio (capped at 2)."""
    coverage: float  # share of the expected answer's parts found in the answer, each part counted for how
                     # much of it the answer gives (Grade.coverage counts a part only when it is covered)
    reading: float  # the model's probability that the answer means the expected one
    closeness: float  # cosine similarity of the two texts' embeddings
    length: float  # the answer's meaning words over the expected answer's

    def vector(self) -> list[float]:
        return [self.coverage, self.reading, self.closeness, self.length]


class Weights:
    """A multinomial logistic model over Signals, as fitted by scikit-learn (standardised inputs)."""

    def __init__(self, classes, mean, scale, coef, intercept):
        self.classes, self.mean, self.scale, self.coef, self.intercept = classes, mean, scale, coef, intercept

    @classmethod
    def for_embeddings(cls, model_name: str | None) -> Weights | None:
        data = json.loads(CALIBRATION.read_text(encoding="utf-8")) if CALIBRATION.exists() else {}
        fitted = data.get(model_name or "")
        return cls(**{k: fitted[k] for k in ("classes", "mean", "scale", "coef", "intercept")}) if fitted else None

    def probabilities(self, signals: Signals) -> dict[str, float]:
        x = [(v - m) / s for v, m, s in zip(signals.vector(), self.mean, self.scale)]
        scores = [b + sum(w * v for w, v in zip(row, x)) for row, b in zip(self.coef, self.intercept)]
        top = max(scores)
        exps = [math.exp(z - top) for z in scores]
        return {c: e / sum(exps) for c, e in zip(self.classes, exps)}


def _yes_no(expected: str, answer: str) -> bool:
    """A yes/no question answered by yes or no."""
    return bool((_YES.match(expected) or _NO.match(expected)) and (_YES.match(answer) or _NO.match(answer)))


def _contradicts(grade: Grade | None) -> bool:
    return grade is not None and grade.verdict == INCORRECT and grade.reason in ("polarity", "quantity", "binding")


def _wrong(grade: Grade) -> bool:
    """A claim that says something wrong (not "je ne sais pas")."""
    return grade.verdict == INCORRECT and grade.reason != "dont_know"


def claims_in(answer: str) -> list[str]:
    """The claims an answer makes: its sentences, and the clauses a contrast or ", et" joins ("…, mais …")."""
    return [c.strip(" ,") for c in _CLAIMS.split(answer) if analyze(c)]


def asked_count(question: str) -> int | None:
    """How many items a question asks for: a number before a plural noun ("Quelles sont les quatre
    parties…", "Name three downstream tasks"), not a version ("GPT-4") nor a number alone ("les deux ?")."""
    for m in _COUNT.finditer(fold(question)):
        n = int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS.get(m.group(1))
        if n and 2 <= n <= 9:
            return n
    return None


def items_in(answer: str) -> list[str]:
    """The items an answer lists, separated by commas, semicolons, "et" or "and"."""
    return [p for p in _ITEMS.split(answer) if analyze(p)]


def parts_of(expected: str) -> list[list[set[str]]]:
    """The expected answer's parts: the items of a list, or the clauses of a definition, each as the meaning
    words of its alternatives. "A ou B" alone is one part either of which answers it ("la classification
    d'images ou l'analyse de sentiments"); in a longer list ("texte, images ou musique") "ou" lists items."""
    text = _BRACKETS.sub(" ", expected)
    text = re.sub(r"^\W*(?:oui|non|yes|no)\b\W*", "", text, flags=re.I)
    alternatives = [set(analyze(p)) for p in _EITHER.split(text.strip(" .!"))]
    if len(alternatives) > 1 and len([p for p in _PARTS.split(_EITHER.sub(" ", text)) if analyze(p)]) == 1:
        return [[a for a in alternatives if a]]
    return [[part] for part in (set(analyze(p)) for p in _PARTS.split(text)) if part]


def coverage_of(expected: str, answer: str, partly: bool = False) -> float:
    """The share of the expected answer's parts the answer covers; `partly`: each part counted for how much
    of it the answer gives (the soft decision's signal)."""
    parts, words = parts_of(expected), set(analyze(answer))
    shares = [part_share(p, words) for p in parts]
    return sum(s if partly else float(s == 1.0) for s in shares) / len(parts) if parts else 0.0


def part_share(part: list[set[str]], answer: set[str]) -> float:
    """How much of one part the answer gives: 1 when it is covered, else twice the share of the meaning
    words of its best alternative that the answer has ("sur des données" gives a third of "d'énormes
    quantités de données", two thirds of the way to covering it)."""
    return min(1.0, 2 * max((sum(found(w, answer) for w in words) / len(words) for words in part if words), default=0.0))


def some_items(expected: str, answer: str) -> bool:
    """The answer lists two items or more, but fewer than the expected list, each one a distinct part of it
    ("instructions et contexte" for the four parts of a prompt): partly correct, whatever any model reads."""
    parts, items = parts_of(expected), items_in(answer)
    hits = [next((k for k, p in enumerate(parts) if part_share(p, set(analyze(i))) == 1.0), None) for i in items]
    return len(parts) > len(items) >= 2 and None not in hits and len(set(hits)) == len(hits)


class Grader:
    """`llm` (a ChatProvider, optional) reads answers the rules cannot place; with `embeddings` and their
    fitted `weights` too, the soft decision is the calibrated model's."""

    def __init__(self, llm=None, threshold: float = 0.5, embeddings=None, weights: Weights | None = None):
        self.llm = llm
        self.threshold = threshold
        self.embeddings = embeddings
        self.weights = weights if embeddings is not None and llm is not None else None

    def grade(self, question: str, expected: str, answer: str, source: str = "") -> Grade:
        """The answer's grade; one that makes several claims is partly correct when one of them holds and
        another is wrong ("LLMs are a subset of foundation models, but trained on a few thousand words")."""
        whole = self.grade_whole(question, expected, answer, source)
        if _yes_no(expected, answer):  # a "non" where "oui" is expected stays wrong whatever follows it; the
            return self._justified(question, expected, answer, source, whole)  # right one, by its reason
        if whole.verdict == CORRECT and whole.coverage < 1 and len(items_in(answer)) < (asked_count(question) or 0):
            return Grade(PARTIAL, "coverage", whole.coverage)  # "les quatre parties" asked, three given
        if whole.verdict == INCORRECT and whole.reason == "model" and some_items(expected, answer):
            return Grade(PARTIAL, "coverage", whole.coverage)
        claims = claims_in(answer)
        if len(claims) < 2 and whole.verdict == INCORRECT and whole.reason == "model" and len(parts_of(expected)) > 1:
            claims = [i for i in items_in(answer) if len(analyze(i)) > 1][:4]  # "le langage et les images"
        if len(claims) < 2 or whole.verdict == PARTIAL:
            return whole
        if whole.verdict == CORRECT:  # a claim that a rule finds wrong, beside right ones
            wrong = [c for c in claims if _contradicts(self.ruled(question, expected, c, source))]
            return Grade(PARTIAL, "mixed", whole.coverage, wrong[0]) if wrong else whole
        # Only a claim with some of the expected answer's words can hold: the model reads those alone first,
        # and the others only once one holds; each claim is read once.
        graded = {c: self.grade_whole(question, expected, c, source) for c in claims if coverage_of(expected, c) > 0}
        if all(g.verdict == INCORRECT for g in graded.values()):
            return whole
        wrong = [c for c in claims if _wrong(graded.get(c) or self.grade_whole(question, expected, c, source))]
        return Grade(PARTIAL, "mixed", whole.coverage, wrong[0]) if wrong else whole

    def _justified(self, question: str, expected: str, answer: str, source: str, whole: Grade) -> Grade:
        """A right "oui"/"non" whose reason is wrong ("Oui, mais ils sont spécialisés dans les images") is
        partly correct: the reason is graded against the expected answer's own reason."""
        reason, wanted = (_BUT.sub("", text[(_YES.match(text) or _NO.match(text)).end():]).strip(" ,.;:!")
                          for text in (answer, expected))
        if whole.verdict != CORRECT or self.llm is None or len(analyze(reason)) < 2 \
                or not set(analyze(reason)) & set(analyze(wanted)):
            return whole  # no reason given, or none about what the expected one is about ("non... je crois")
        graded = self.grade_whole(question, wanted, reason, source)
        return Grade(PARTIAL, "mixed", whole.coverage, reason) if _wrong(graded) else whole

    def grade_whole(self, question: str, expected: str, answer: str, source: str = "") -> Grade:
        """The grade of the answer taken as one claim."""
        ruled = self.ruled(question, expected, answer, source)
        if ruled is not None:
            return ruled
        share = coverage_of(expected, answer)
        if self.weights is not None:
            signals = self.signals(question, expected, answer)
            return Grade(soft_verdict(self.weights.probabilities(signals), signals, share), "model", share)
        p = self.reading(question, expected, answer) if self.llm is not None else None
        if share >= 0.75:
            # The lesson's words are all there; the model's reading vetoes an answer that puts them together
            # otherwise ("plus de ressources", "les modèles de base sont un sous-ensemble des LLM").
            if p is None or p >= VETO:
                return Grade(CORRECT, "coverage", share)
            return Grade(INCORRECT if p < SURELY_NOT else PARTIAL, "model", share)
        if p is not None and p >= self.threshold and share >= 0.5:
            return Grade(CORRECT, "model", share)
        if share > 0 or (p is not None and p >= self.threshold):
            return Grade(PARTIAL, "coverage" if share > 0 else "model", share)
        return Grade(INCORRECT, "coverage", share)

    def signals(self, question: str, expected: str, answer: str) -> Signals:
        """The four signals of the soft decision (needs both the model and the embeddings)."""
        share = coverage_of(expected, answer, partly=True)
        a, b = self.embeddings.embed_documents([expected, answer])
        norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b)) or 1.0
        length = min(len(analyze(answer)) / max(len(analyze(expected)), 1), 2.0)
        return Signals(share, self.reading(question, expected, answer), sum(x * y for x, y in zip(a, b)) / norm, length)

    def ruled(self, question: str, expected: str, answer: str, source: str = "") -> Grade | None:
        """The verdicts code decides whatever any model reads: no answer, the opposite polarity, another
        amount, terms bound the other way round; and "oui"/"non" matching a yes/no expected answer."""
        if not answer.strip() or _DONT_KNOW.match(answer.strip()):
            return Grade(INCORRECT, "dont_know", 0.0)
        if _YES.match(expected) or _NO.match(expected):
            said = "yes" if _YES.match(answer) else "no" if _NO.match(answer) else None
            wanted = "yes" if _YES.match(expected) else "no"
            if said is not None and said != wanted:
                return Grade(INCORRECT, "polarity", 0.0)
        reference = f"{expected}\n{source}" if source else expected
        changed = quantity_mismatch(answer, reference) == "changed"
        if changed or polarity_conflict(answer, expected):
            return Grade(INCORRECT, "quantity" if changed else "polarity", 0.0)
        words = set(analyze(answer))
        kept, crossed = binding(answer, expected, words & set(analyze(expected)))
        if crossed > kept or roles_swapped(answer, expected):
            return Grade(INCORRECT, "binding", 0.0)
        if _yes_no(expected, answer):
            return Grade(CORRECT, "polarity", coverage_of(expected, answer))
        return None

    def grade_choice(self, chosen: int, right: int) -> Grade:
        return Grade(CORRECT if chosen == right else INCORRECT, "choice", float(chosen == right))

    def reading(self, question: str, expected: str, answer: str) -> float:
        messages = [SystemMessage(JUDGE_SYSTEM),
                    HumanMessage(JUDGE_QUESTION.format(question=question or "-", expected=expected, answer=answer))]
        return self.llm.choose(messages, {"yes": ("oui", "Oui"), "no": ("non", "Non")})["yes"]


def soft_verdict(probabilities: dict[str, float], signals: Signals, share: float | None = None) -> str:
    """The likeliest verdict, but the reading vetoes "correct" for an answer with all the lesson's words
    that says something else with them ("les modèles de base sont un sous-ensemble des LLM"), and for one
    that covers under half the parts (`share`: each part covered or not; the signal's share by default)
    unless the model reads it as meaning the same."""
    verdict = max(probabilities, key=probabilities.get)
    if verdict == CORRECT and signals.coverage >= 0.75 and signals.reading < VETO:
        return INCORRECT if signals.reading < SURELY_NOT else PARTIAL
    if verdict == CORRECT and (signals.coverage if share is None else share) < 0.5 and signals.reading < FLOOR:
        return PARTIAL  # neither half the parts in words nor the same meaning to the model: a long answer
    return verdict      # that gives one part of four (few such answers in the dev set the model learnt from)


def make_grader(llm, settings, embeddings=None) -> Grader:
    """The grader with the weights fitted for these settings' embeddings (the rules alone if none were)."""
    from tutor.providers import embedding_model_name

    return Grader(llm, embeddings=embeddings, weights=Weights.for_embeddings(embedding_model_name(settings.embeddings)))
