"""A claim checked against the lesson by code: a learner's statement ("je pense que…", tutor.teaching.statements)
or the claim a yes/no question puts ("Un modèle de base peut-il générer du code ?" -> "Un modèle de base peut
générer du code"). The support check (tutor.engine.support) reads it against the sections retrieval brings:
supported, contradicted or unsupported. The reply opens with the verdict ("Oui", "Non") and quotes the course's
words, with the source; a small model's "Non" before a right explanation, or a quote with no "Oui", is not
possible on this path. A yes/no question the check cannot settle goes to the engine like any question.
"""

from __future__ import annotations

import re

from tutor.engine.citations import course_words
from tutor.engine.claims import aligned, names, swapped_with, units
from tutor.engine.result import Citation, RetrievedChunk
from tutor.teaching import feedback
from tutor.teaching.statements import chosen

# "X peut-il …", "X a-t-il …", "Les LLM sont-ils …", "Faut-il …": a verb joined to its subject pronoun.
_INVERTED = re.compile(r"^(?P<subject>.*?)(?P<verb>\b[\w']+)-(?:t-)?(?:il|elle|ils|elles|on)\b\s*(?P<rest>.*)$", re.I)
_IMPERSONAL = {"faut", "existe", "suffit"}  # "Faut-il …" -> "il faut …": no subject lost
_EST_CE = re.compile(r"^\s*est-ce\s+qu(?:e\s+|')", re.I)
_AUXILIARY = re.compile(r"^\s*(?:is|are|was|were|can|does|do|did|will|should|has|have|must)\s+", re.I)
_PRONOUN = re.compile(r"^(?:il|elle|ils|elles|on|ça|ca|cela|ce|c'|je|j'|tu|vous|nous|me|m'|it|they|he|she|this|that|these|"
                      r"those|you|i|we)\b", re.I)
_OPEN = re.compile(r"\b(?:quel\w*|quoi|comment|pourquoi|combien|où|quand|lequel|laquelle|lesquel\w*|qu'est|what|which|how|"
                   r"why|when|where|who|whom)\b|\s(?:ou|or)\s", re.I)


def yes_no_claim(question: str) -> str | None:
    """The claim a closed question puts, or None: not a yes/no question (a "quel", an "ou" between two
    options, a request like "peux-tu…"), or one whose subject is only a pronoun ("Peut-il …" after the
    previous turn: the claim would lose what it is about)."""
    text = question.strip()
    if not text.endswith("?") or _OPEN.search(text):
        return None
    text = text.rstrip(" ?")
    if m := _EST_CE.match(text):
        claim = text[m.end():]
    elif m := _AUXILIARY.match(text):
        claim = text[m.end():]
    elif m := _INVERTED.match(text):
        subject, verb = m.group("subject").strip(" ,"), m.group("verb")
        if not subject:  # "Faut-il …" says it all; "Peut-il …" is about the previous turn's subject
            return f"il {verb.lower()} {m.group('rest')}".strip() if verb.lower() in _IMPERSONAL else None
        claim = f"{subject} {verb} {m.group('rest')}"
    else:
        return None
    claim = claim.strip(" ,")
    return claim if claim and not _PRONOUN.match(claim) else None


def checked(teacher, text: str, claim: str, language: str, openings: dict, graded: bool = True, by_code: bool = False):
    """(retrieval, reply): the reply that gives the lesson's verdict on `claim`, opened by `openings[label]`
    (label: correct, incorrect, unknown), with the grade to record when `graded`; the reply is None when no
    section is about the claim, or when the verdict is one `openings` has no words for. With `by_code`, the
    verdict must be code's, else the reply is None: a "yes" when a sentence states the claim in its own words
    and order, a "no" when a rule contradicts it (a negation, an amount, a name, roles). The small model's
    reading is no verdict there: it read "il faut entraîner un nouveau modèle" as contradicting "chaque
    nouvelle tâche nécessite un nouveau modèle", and a lesson's introduction as confirming a claim it does
    not make."""
    tutor = teacher.tutor
    retrieval = tutor.retriever.retrieve(claim)  # the claim, without "si j'ai bien compris"
    said = names(claim)  # the lesson that names what the claim names says the most about it: checked too
    hits = [h for n, h in enumerate(retrieval.hits) if n < 2 or said & names(h.chunk.embed_text)] \
        if tutor.policy.is_relevant(retrieval, language) else []
    verdicts = [(teacher.judge.check(claim, h.chunk.embed_text), h.chunk) for h in hits]
    if not verdicts:
        return retrieval, None
    verdict, chunk = chosen(claim, verdicts, said)
    label = {"supported": "correct", "contradicted": "incorrect"}.get(verdict.label, "unknown")
    if label not in openings or (by_code and verdict.reason == "model"):
        return retrieval, None
    quote = course_words(verdict.evidence, chunk.embed_text) if verdict.evidence else None
    quote = quote or course_words(aligned(claim, chunk.text, 1)[0], chunk.text) or chunk.text
    if verdict.reason == "name" and (other := swapped_with(claim, chunk.embed_text)):  # where the claim belongs
        other = course_words(other, chunk.embed_text) or other
        if other in quote:  # the sentence said of another name is the evidence: show what the course says of this one
            own = [unit for unit in units(chunk.embed_text) if said & names(unit)]
            other = course_words(own[0], chunk.embed_text) or own[0] if own else ""
        quote += f"\n{other}" if other and other not in quote else ""
    if language != retrieval.snapshot.language:  # the course's words, in the learner's language if it holds
        quote = tutor.translate(quote, language) or quote
    body = f"{openings[label].get(language)}\n\n> {quote.replace(chr(10), chr(10) + '> ')}\n\n_" \
           f"{feedback.SOURCE.get(language, lesson=chunk.lesson_title, section=chunk.section)}_"
    record = None
    if graded and label in ("correct", "incorrect"):
        record = {"verdict": label, "reason": verdict.reason, "expected": quote, "item_id": "",
                  "lesson_id": chunk.lesson_id, "kind": "statement", "question": text}
    n = next(n for n, h in enumerate(hits, 1) if h.chunk is chunk)
    return retrieval, teacher.reply(body, text, language, grade=record, citations=[Citation.of(chunk, n)],
                                    retrieved=[RetrievedChunk.of(h, n) for n, h in enumerate(hits, 1)])
