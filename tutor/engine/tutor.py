"""The tutor engine: one learner turn, in named steps.

    begin (clean the input, pick the language and the technique) -> injection? -> standalone question (a follow-up
    searched with the previous question) -> retrieve (dense + BM25) -> relevant? -> prompt (four parts) -> generate
    (stream) -> check (support, citations, format, the technique's promise: repaired by code, else one more attempt)
    -> declined under a technique? the plain prompt -> nothing held? the course's own sentences, if they answer -> Done

`Tutor.stream()` yields typed events (`tutor.engine.events`): `Found`, `Token`..., then exactly one `Done` holding the
`TutorResult` (an answer or a decline). The chat, the CLI and the evals all call it, so the evals measure what learners
get. Learner-facing failures are `LearnerError`s.
"""

from __future__ import annotations

import copy
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, HumanMessage

from tutor.config import Settings
from tutor.course.reader import IndexReader
from tutor.engine.citations import check_citations, course_sentences
from tutor.engine.closeness import extract_similarity, related
from tutor.engine.completeness import complete
from tutor.engine.context import extracts_block
from tutor.engine.conversation import is_follow_up, leans_on_context, standalone_question, trim_history, with_referent
from tutor.engine.draft import DECLINED, hold_marker, says_nothing, strip_echo, without_markup
from tutor.engine.events import Done, Event, Found, Stage, Token, collect, drain
from tutor.engine.formats import check_formatted
from tutor.engine.input import clean_question, looks_like_injection
from tutor.engine.quoting import MIN_READING, answer_reading, quote_course, quoted_result, unquoted
from tutor.engine.relevance import RelevancePolicy, closest_lessons, unknown_terms
from tutor.engine.result import AskOptions, Citation, RetrievedChunk, TutorResult
from tutor.engine.retrieval import HybridRetriever, Retrieval
from tutor.engine.spelling import written_out
from tutor.engine.starts import PromptStarts
from tutor.engine.support import JUDGE_SYSTEM, SupportJudge
from tutor.engine.translation import Translator, in_language, in_other_language, quoter, towards
from tutor.engine.worker import in_thread
from tutor.i18n import SUPPORTED, conversation_language, detect_language
from tutor.prompting.promises import broken, kept, repair
from tutor.prompting.prompts import PromptFile, PromptParts, language_rule, load_prompts
from tutor.prompting.techniques import changed_parts, resolve, technique_note, techniques
from tutor.providers import embedding_model_name, make_embeddings
from tutor.providers.chat import ChatProvider
from tutor.text import clean_text


@dataclass
class Turn:
    """One question on its way through the steps."""

    question: str
    history: list[dict]
    language: str
    prompt: PromptFile
    result: TutorResult
    started: float
    instruction: str = ""

    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)


class Tutor:
    """One per process: holds the index reader, the embedding model and the chat model (loaded lazily)."""

    def __init__(self, settings: Settings, *, chat_model=None, embeddings=None, prompts=None):
        self.settings = settings
        self.prompts = prompts or load_prompts()
        self.techniques = techniques(self.prompts)  # checked now, not at the first question
        self.embeddings = embeddings or make_embeddings(settings)
        self.reader = IndexReader(settings.index_dir)
        self.retriever = HybridRetriever(self.reader, self.embeddings, settings.retrieval)
        self.policy = RelevancePolicy.for_settings(settings)
        self.llm = ChatProvider(settings, chat_model)
        self.judge = SupportJudge(self.llm)
        self.starts = PromptStarts(self.llm, self._render)
        self.translate = Translator(self.llm, self.embeddings, embedding_model_name(settings.embeddings),
                                    self.prompts["translate"])

    def warm_up(self, sections: bool = False) -> None:
        """Load the model and read the fixed start of the answer prompt (and the judge's) once, before the first
        learner; with `sections`, also each section's start as first extract (tutor.engine.starts)."""
        chunks = self.reader.snapshot().chunks if sections else ()
        self.starts.warm(self.prompts["answer"], JUDGE_SYSTEM, chunks)

    def ask(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None) -> TutorResult:
        """The whole answer at once (same pipeline as `stream`)."""
        return collect(self.stream(question, history, options))

    async def astream(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None
                      ) -> AsyncIterator[Event]:
        """`stream` for async callers (the chat): the engine runs in a worker thread, events come back here."""
        async for event in in_thread(lambda: self.stream(question, history, options)):
            yield event

    def stream(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None
               ) -> Iterator[Event]:
        """Found, Token..., then one Done. Raises `LearnerError` for unusable input, an unknown technique, a
        missing index or a failing model."""
        turn = self._begin(question, history, options or AskOptions())
        if looks_like_injection(turn.question):
            yield Done(self._decline(turn, "injection", None))
            return
        retrieval = self._retrieve(turn)
        yield Found(retrieval)
        if not self.policy.is_relevant(retrieval, turn.language):
            yield Done(self._decline(turn, "off_topic", retrieval))
            return
        technique, base = turn.prompt, self.prompts["answer"]
        fresh, tried = turn.result, []
        for prompt in [technique] + ([base] if technique is not base else []):
            # A technique never turns an in-course answer into a decline: when the model declines under it, nothing
            # it wrote holds, or its answer cannot take the technique's shape, the plain prompt answers (shaped).
            if tried:
                yield Stage("restart")  # what was streamed is withdrawn: another answer comes
            turn.prompt, turn.result = prompt, copy.deepcopy(fresh)
            draft = yield from self._generate(turn, retrieval)
            if draft is None:
                tried.append(self._decline(turn, "model_declined", retrieval))
                continue
            turn.prompt, turn.result.technique_fallback = technique, prompt is not technique
            result = self._checked(turn, retrieval, draft)
            if not result.refused and result.promise_kept:
                break
            tried.append(result)
        else:  # nothing kept the promise: the first answer given, else the technique's own decline
            result = next((r for r in tried if not r.refused), tried[0])
        yield Done(self._quoted(turn, retrieval, result, technique.promise) if result.refused else result)

    def _generate(self, turn: Turn, retrieval: Retrieval, retry: tuple[str, str] | None = None) -> Iterator[Event]:
        """Stream the model's answer to `turn.prompt`; the draft, or None when the model declines. `retry`: the
        model's previous answer and what it missed, for a second attempt (not streamed: the first one was)."""
        parts = self._prompt(turn, retrieval)
        messages = parts.messages() + ([AIMessage(retry[0]), HumanMessage(retry[1])] if retry else [])
        if retry is None:  # kept for the next question whose first extract is this one
            self.starts.remember(turn.prompt, turn.language, turn.question, [h.chunk for h in retrieval.hits])
        draft = ""
        # Small models sometimes go on to recite the extracts: stop where an extract's header would start.
        stop = list(dict.fromkeys(f"{h.chunk.lesson_title} — " for h in retrieval.hits))[:3] + ["\nQuestion"]
        for token in hold_marker(self.llm.stream(messages, stop)):
            if token is DECLINED:
                return None
            if turn.result.timings.first_token_ms is None:
                turn.result.timings.first_token_ms = turn.ms()
            draft += token
            if retry is None:
                yield Token(token)
        return draft

    def _checked(self, turn: Turn, retrieval: Retrieval, draft: str) -> TutorResult:
        """The checked answer. When it still breaks the technique's promise after the repair by code (a list of
        one point in English, where the French course cannot lend a second), the model tries once more with
        what it missed named; the second answer is kept only if it keeps the promise."""
        before = copy.deepcopy(turn.result)
        first = self._check(turn, retrieval, draft)
        if first.refused or first.promise_kept or first.technique_fallback:
            return first
        turn.result = before
        problem = self.prompts["retry"].message(turn.language, problem=broken(first.answer, turn.prompt.promise, turn.language))
        again = drain(self._generate(turn, retrieval, (draft, problem)))
        second = self._check(turn, retrieval, again) if again is not None else None
        if second is None or second.refused or not second.promise_kept:
            return first
        second.technique_retried = True
        return second

    # ------------------------------------------------------------------ steps

    def _begin(self, question: str, history: Sequence[dict], options: AskOptions) -> Turn:
        """Input: the technique, the trimmed history, the language, the cleaned question."""
        started = time.perf_counter()
        prompt = resolve(self.techniques, options.technique)
        turns = trim_history(history)
        language = options.language if options.language in SUPPORTED else \
            detect_language(question or "", previous=conversation_language(turns))
        question = clean_question(question)
        result = TutorResult(question=question, answer="", refused=False, language=language,
                             technique=prompt.technique, provider=self.settings.llm.provider, model=self.llm.name)
        said = written_out(question) if language == "fr" else question  # "c koi", "pk", "sa veut dire" written out
        return Turn(with_referent(said, history), turns, language, prompt, result, started, clean_text(options.instruction))

    def _retrieve(self, turn: Turn) -> Retrieval:
        """The extracts for the question; a follow-up the course cannot place on its own ("Et sur combien de
        mots ?") is searched again together with the learner's previous question."""
        if turn.history and leans_on_context(turn.question):
            return self._retrieved(turn, self.retriever.retrieve(standalone_question(turn.question, turn.history)))
        retrieval = self.retriever.retrieve(turn.question)
        if turn.history and is_follow_up(turn.question) and not self.policy.is_relevant(retrieval, turn.language):
            retrieval = self.retriever.retrieve(standalone_question(turn.question, turn.history))
        return self._retrieved(turn, retrieval)

    def _retrieved(self, turn: Turn, retrieval: Retrieval) -> Retrieval:
        turn.result.standalone_question, turn.result.timings.retrieval_ms = retrieval.query, turn.ms()
        turn.result.index_version = retrieval.snapshot.name
        turn.result.retrieved = [RetrievedChunk.of(h, n) for n, h in enumerate(retrieval.hits, 1)]
        return retrieval

    def _prompt(self, turn: Turn, retrieval: Retrieval) -> PromptParts:
        """The four parts: instructions, numbered extracts, the question, the output format."""
        question = f"{turn.question}\n{turn.instruction}" if turn.instruction else turn.question
        values = dict(question=question, extracts=extracts_block(turn.question, [h.chunk for h in retrieval.hits]))
        parts = self._render(turn.prompt, turn.language, **values)
        parts.history, parts.language = turn.history, turn.language
        turn.result.prompt = parts.as_dict()
        base = self._render(self.prompts["answer"], turn.language, **values)
        turn.result.technique_note = technique_note(turn.prompt, changed_parts(base, parts), turn.language)
        return parts

    def _check(self, turn: Turn, retrieval: Retrieval, draft: str) -> TutorResult:
        """Citations decided by code, the required format verified; an unsupported answer is declined."""
        result = turn.result
        result.draft_answer = draft
        draft = strip_echo(turn.question, without_markup(draft))
        extracts = [h.chunk for h in retrieval.hits]
        texts = [c.embed_text for c in extracts]
        similarity, threshold = extract_similarity(self.embeddings, embedding_model_name(self.settings.embeddings), retrieval)

        def judge(sentence: str, n: int):
            related = similarity is not None and similarity(sentence, n) >= threshold
            return self.judge.check(sentence, texts[n - 1], related=related)

        quote = quoter(self.translate, turn.language, retrieval.snapshot.language)
        check, result.format_ok = check_formatted(
            draft, turn.prompt.output, lambda text: check_citations(text, texts, similarity, threshold, judge, quote))
        if not check.used:  # nothing is cited: invented, too short to hold ("10 days"), or no words at all
            return self._decline(turn, "unsupported", retrieval)
        same_language = turn.language == retrieval.snapshot.language
        if check.repaired and not any(s.outcome == "kept" and s.supported for s in check.sentences) and same_language and (
                unknown_terms(turn.question, retrieval.snapshot.vocabulary)
                or answer_reading(turn.question, [unquoted(check.answer)], self.llm, self.prompts["answerable"]) < MIN_READING):
            # Nothing held, and the question asks what the course never mentions ("Qui a inventé Stable Diffusion ?"), or
            # the sentences the claims were repaired into do not answer it (read as quotes are). Not across languages.
            return self._decline(turn, "unsupported", retrieval)
        if turn.prompt.output != "json" and says_nothing(turn.question, check.answer):
            return self._decline(turn, "unsupported", retrieval)  # it only restates the question
        result.answer = check.answer
        if not same_language and turn.prompt.output != "json" and in_other_language(check.answer, turn.language):
            # The model answered in the course's language: its checked sentences, translated and checked again.
            result.answer = in_language(check.answer, self.translate, turn.language) or check.answer
        result.promise, result.promise_kept_by_model = turn.prompt.promise, kept(result.answer, turn.prompt.promise)
        if not result.promise_kept_by_model:
            section = extracts[check.used[0] - 1].section if check.used else ""
            # The course's own sentences may complete a list, in the course's language only.
            course = [s for n in check.used for s in course_sentences(texts[n - 1], n)] if same_language else []
            result.answer = repair(result.answer, turn.prompt.promise, turn.language, section, course)
        result.promise_kept = kept(result.answer, turn.prompt.promise)  # the items the course lists come after
        if turn.prompt.output != "json":
            into = towards(self.translate, turn.language, retrieval.snapshot.language)
            result.answer, check.used = complete(turn.question, result.answer, texts, check.used, turn.language, into,
                                                 turn.prompt.promise == "check_question")
        result.unsupported_sentences, result.repaired_sentences = check.unsupported, check.repaired
        result.dropped_citations = check.dropped
        result.citations = [Citation.of(extracts[n - 1], n) for n in check.used]
        result.timings.total_ms = turn.ms()
        return result

    def _quoted(self, turn: Turn, retrieval: Retrieval, declined: TutorResult, promise: str) -> TutorResult:
        """Nothing the model wrote held, or it declined: the course's own sentences, if they answer."""
        chunks, answerable = [h.chunk for h in retrieval.hits], self.prompts["answerable"]
        texts = [c.embed_text for c in chunks]
        quotation = quote_course(retrieval.query, texts, self.embeddings, self.llm, answerable, turn.language,
                                 retrieval.snapshot.language, self.translate)
        if quotation is None or not quotation.answers:
            declined.quote_reading = quotation.reading if quotation else None
            return declined
        result = quoted_result(declined, quotation, chunks, answerable.message(turn.language), promise)
        if promise != "json":  # a list the question asks for, given in full after the quotes
            into = towards(self.translate, turn.language, retrieval.snapshot.language)
            result.answer, used = complete(turn.question, result.answer, texts, quotation.used, turn.language, into,
                                           promise == "check_question")
            result.citations = [Citation.of(chunks[n - 1], n) for n in used]
        result.timings.total_ms = turn.ms()
        return result

    def decline(self, question: str, language: str, reason: str, retrieval: Retrieval | None = None) -> TutorResult:
        """The decline for a question the teaching layer found outside the course (with the closest lessons)."""
        result = TutorResult(question=question, answer="", refused=False, language=language,
                             provider=self.settings.llm.provider, model=self.llm.name)
        return self._decline(Turn(question, [], language, self.prompts["answer"], result, time.perf_counter()),
                             reason, retrieval)

    def _decline(self, turn: Turn, reason: str, retrieval: Retrieval | None) -> TutorResult:
        result, lessons = turn.result, closest_lessons(retrieval, self.reader)
        bullet = "\n".join(f"- {lesson['title']}" for lesson in lessons)
        result.refused, result.refusal_reason, result.closest_lessons, result.citations = True, reason, lessons, []
        result.answer = self.prompts["decline"].message(result.language, lessons=bullet)
        result.timings.total_ms = turn.ms()
        return result

    def related(self, sentence: str, extract: str) -> bool:
        """Whether a sentence is close in meaning to an extract, as the answer check decides it."""
        return related(self.embeddings, embedding_model_name(self.settings.embeddings), sentence, extract)

    def _render(self, prompt: PromptFile, language: str, **values: str) -> PromptParts:
        return prompt.render(language_rule=language_rule(language), **values)

