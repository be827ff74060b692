"""When nothing the model wrote holds: the course's own sentences, if they answer the question.

A small model's draft is sometimes dropped whole by the support check (it said the opposite of the extract,
or went past it), or the model answers that the extracts are silent when they are not. Declining then tells
the learner the course has nothing on a question it does answer. Before that decline, the engine picks the
extracts' sentences closest to the question (its meaning words found in them, and closeness by embedding, so
that an English question finds French sentences) and asks the model one constrained question: do these
sentences answer it? The reply is read as the probability of "oui" (no text is generated). At or above
`MIN_READING` the answer is those sentences, quoted and cited, in the course's words; below it the decline
stands. Near-course questions (a price, a date, an author the course never gives) read low: the sentences
name the thing, not the fact asked for. To a learner who writes in another language than the course's, the
sentences are given translated and checked (tutor.engine.translation), or not at all: quotes in French are
no answer to an English question.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tutor.engine.citations import course_sentences
from tutor.engine.draft import SOURCE_WORDS
from tutor.engine.relevance import found, question_terms
from tutor.engine.result import Citation, TutorResult
from tutor.prompting.promises import kept, repair
from tutor.prompting.prompts import PromptFile
from tutor.text import analyze, strip_citations

# Fitted on the answers dev split (benchmarks/quote_calibration.py prints the table): the in-course questions
# the engine used to decline read 0.07-0.65, the near-course ones 0.06-0.17.
MIN_READING = 0.25
# An English question read against the French course's sentences: chosen the same way on dev's English
# questions that reached this check (in-course 0.50 and 0.57, near-course 0.11, 0.24 and 0.26).
CROSSING_MIN_READING = 0.35
SENTENCES = 2  # how many of the course's sentences are read and quoted


@dataclass
class Quotation:
    sentences: list[tuple[int, str]]  # (extract number, the course's sentence without its marker)
    reading: float  # the model's probability that they answer the question
    minimum: float = MIN_READING  # the reading from which they answer it

    @property
    def answers(self) -> bool:
        return self.reading >= self.minimum

    @property
    def used(self) -> list[int]:
        return list(dict.fromkeys(n for n, _ in self.sentences))

    def text(self, intro: str, language: str) -> str:
        """The intro, then each sentence quoted and cited (its full stop after the citation: one sentence each)."""
        quote = "“{}”" if language == "en" else "« {} »"
        return intro + "\n\n" + "\n".join(f"- {quote.format(s.rstrip(' .'))} [{n}]." for n, s in self.sentences)


def closest_sentences(question: str, extracts: list[str], embeddings, k: int = SENTENCES) -> list[tuple[int, str]]:
    """The `k` sentences of the extracts (numbered from 1) closest to the question: the share of its meaning
    words they contain (a slip forgiven, an English domain term found through its French one), each word
    weighed by how rare it is among the sentences (the subject asked about, "Stable Diffusion", outweighs
    "modèle" that they all say), plus their cosine similarity to it. Words that name the course ("le cours
    cite") are not the question's subject."""
    candidates = [(n, strip_citations(s).rstrip()) for n, text in enumerate(extracts, 1) for s in course_sentences(text, n)]
    if not candidates:
        return []
    words = [set(analyze(s)) for _, s in candidates]
    terms = [term for term in question_terms(question) if not term <= SOURCE_WORDS]
    has = [[any(found(stem, w) for stem in term) for term in terms] for w in words]
    rarity = [math.log((len(candidates) + 1) / (sum(row[j] for row in has) + 1)) + 1 for j in range(len(terms))]
    vectors = embeddings.embed_documents([s for _, s in candidates])
    asked = embeddings.embed_query(question)

    def score(i: int) -> float:
        share = sum(r for r, h in zip(rarity, has[i]) if h) / sum(rarity) if terms else 0.0
        return share + sum(a * b for a, b in zip(asked, vectors[i]))

    ranked = sorted(range(len(candidates)), key=lambda i: -score(i))
    return [candidates[i] for i in ranked[:k]]


def unquoted(answer: str) -> str:
    """An answer's text without its citations and quotation marks (what the model reads of it)."""
    return re.sub(r"\s+", " ", re.sub(r"[«»“”]", "", strip_citations(answer))).strip()


def answer_reading(question: str, sentences: list[str], llm, prompt: PromptFile) -> float:
    """The model's probability that the course's `sentences` answer `question` (its "oui" against "non")."""
    messages = prompt.render(passage="\n".join(sentences), question=question).messages()
    return round(llm.choose(messages, {"yes": ("oui", "Oui"), "no": ("non", "Non")})["yes"], 4)


def quote_course(question: str, extracts: list[str], embeddings, llm, prompt: PromptFile, language: str,
                 course_language: str, translate=None) -> Quotation | None:
    """The course's sentences closest to `question`, with the model's reading of whether they answer it. When
    the learner's `language` is not the `course_language`, the sentences that answer are given translated
    (`translate`, tutor.engine.translation): None without it, or when one of them has no translation that holds."""
    crossing = language != course_language
    if not extracts or (crossing and translate is None):
        return None
    sentences = closest_sentences(question, extracts, embeddings)
    if not sentences:
        return None
    reading = answer_reading(question, [s for _, s in sentences], llm, prompt)
    minimum = CROSSING_MIN_READING if crossing else MIN_READING
    if crossing and reading >= minimum:
        sentences = [(n, translate(s, language)) for n, s in sentences]
        if any(s is None for _, s in sentences):
            return None
    return Quotation(sentences, reading, minimum)


def quoted_result(result: TutorResult, quotation: Quotation, chunks, intro: str, promise: str) -> TutorResult:
    """The turn's declined `result` answered with the quotation instead, each sentence cited to its extract
    (the model's draft stays in `draft_answer`); reshaped, without the intro, for a technique's promise of
    shape (a table, JSON...) that the quotes do not keep as they are."""
    result.refused, result.refusal_reason, result.closest_lessons = False, None, []
    result.answer = quotation.text(intro, result.language)
    if not kept(result.answer, promise):
        result.answer = repair(quotation.text("", result.language).strip(), promise, result.language)
    result.promise, result.promise_kept = promise, kept(result.answer, promise)
    result.quote_reading = quotation.reading
    result.citations = [Citation.of(chunks[n - 1], n) for n in quotation.used]
    return result
