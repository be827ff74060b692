"""The tutor engine: question + history -> rewrite -> retrieve -> answer or decline -> stream -> checked result.

`Tutor.stream()` yields a `Retrieval` as soon as extracts are found, then answer tokens (`str`), then one
`TutorResult`. The Chainlit app, the CLI and the evals all call it, so the evals measure what learners get.
"""

from __future__ import annotations

import logging
import time
from typing import AsyncIterator, Iterator, Sequence

from tutor.citations import check_citations
from tutor.config import Settings
from tutor.decisions import SUPPORT_SIMILARITY, RelevancePolicy, closest_lessons, needs_rewrite
from tutor.guard import clean_question, clean_text, looks_like_injection
from tutor.index import IndexMissingError
from tutor.reader import IndexReader
from tutor.language import detect_language
from tutor.formats import check_formatted
from tutor.prompts import PromptFile, PromptParts, load_prompts
from tutor.providers import ProviderConfigError, make_chat_model, make_embeddings
from tutor.results import AskOptions, Citation, RetrievedChunk, TutorError, TutorResult
from tutor.streams import in_thread
from tutor.retrieval import HybridRetriever, Retrieval, analyze
from tutor.techniques import UnknownTechnique, changed_parts, resolve, technique_note, techniques

log = logging.getLogger(__name__)
MARKER = "HORS_COURS"
_DECLINED = object()  # what _hold_marker yields when the model answers with the marker
HISTORY_TURNS = 6
HISTORY_TURN_CHARS = 400
LANGUAGE_RULES = {"fr": "Réponds en français.", "en": "Answer in English."}


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
        self._chat_model = chat_model

    # ------------------------------------------------------------------ providers

    @property
    def chat_model(self):
        if self._chat_model is None:
            try:
                self._chat_model = make_chat_model(self.settings)
            except ProviderConfigError as exc:
                log.error("LLM provider misconfigured: %s", exc)
                raise TutorError("provider_config", {
                    "fr": f"Le modèle de langage n'est pas configuré : {exc}.",
                    "en": f"The language model is not configured: {exc}.",
                }, str(exc)) from exc
            except Exception as exc:  # missing model files, broken install
                log.exception("LLM provider failed to load")
                raise TutorError("provider_unavailable", {
                    "fr": f"Le modèle de langage n'a pas pu être chargé ({exc}). Lancez `tutor prepare`.",
                    "en": f"The language model could not be loaded ({exc}). Run `tutor prepare`.",
                }, str(exc)) from exc
        return self._chat_model

    @property
    def model_name(self) -> str:
        cfg = self.settings.llm
        return {"local": cfg.local_model, "fake": "fake"}.get(cfg.provider, cfg.model)

    def warm_up(self) -> None:
        """Load the model and read the fixed start of the answer prompt once, before the first learner."""
        model = self.chat_model
        if hasattr(model, "warm_up"):
            from langchain_core.messages import SystemMessage

            parts = self._render(self.prompts["answer"], "fr", extracts="", question="")
            model.warm_up([SystemMessage(parts.system_text())])

    # ------------------------------------------------------------------ the pipeline

    def ask(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None) -> TutorResult:
        """The whole answer at once (same pipeline as `stream`)."""
        result = None
        for event in self.stream(question, history, options):
            if isinstance(event, TutorResult):
                result = event
        assert result is not None
        return result

    async def astream(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None
                      ) -> AsyncIterator[Retrieval | str | TutorResult]:
        """`stream` for async callers (the chat): the engine runs in a worker thread, events come back here."""
        async for event in in_thread(lambda: self.stream(question, history, options)):
            yield event

    def stream(self, question: str, history: Sequence[dict] = (), options: AskOptions | None = None
               ) -> Iterator[Retrieval | str | TutorResult]:
        """Raises `QuestionError` for unusable input and `TutorError` for index or provider failures."""
        options = options or AskOptions()
        started = time.perf_counter()
        try:
            prompt = resolve(self.techniques, options.technique)
        except UnknownTechnique as exc:
            raise TutorError("unknown_technique", {"fr": exc.message("fr"), "en": exc.message("en")}) from exc
        turns = _trim_history(history)
        previous_lang = next((detect_language(t["content"]) for t in reversed(turns) if t["role"] == "user"), None)
        language = options.language if options.language in LANGUAGE_RULES else \
            detect_language(question or "", previous=previous_lang)
        question = clean_question(question)
        result = TutorResult(question=question, answer="", refused=False, language=language,
                             technique=prompt.technique, provider=self.settings.llm.provider,
                             model=self.model_name)
        ms = lambda: round((time.perf_counter() - started) * 1000, 1)  # noqa: E731

        if looks_like_injection(question):
            yield self._decline(result, "injection", None, ms)
            return

        standalone = question
        if turns and needs_rewrite(question):
            standalone = self._rewrite(question, turns)
            result.timings.rewrite_ms = ms()
        result.standalone_question = standalone

        try:
            retrieval = self.retriever.retrieve(standalone)
        except IndexMissingError as exc:
            raise TutorError("index_missing", {
                "fr": "Le cours n'est pas encore indexé : lancez `tutor ingest`, puis reposez votre question.",
                "en": "The course is not indexed yet: run `tutor ingest`, then ask again.",
            }, str(exc)) from exc
        result.timings.retrieval_ms = ms() - result.timings.rewrite_ms
        result.index_version = retrieval.snapshot.name
        result.retrieved = [_retrieved(h, n) for n, h in enumerate(retrieval.hits, 1)]
        yield retrieval

        if not self.policy.is_relevant(retrieval, language):
            yield self._decline(result, "off_topic", retrieval, ms)
            return

        extracts = [h.chunk for h in retrieval.hits]
        values = dict(question=question, extracts="\n\n".join(
            f"[{n}] {c.lesson_title} — {c.section}\n{clean_text(c.text)}" for n, c in enumerate(extracts, 1)))
        parts = self._render(prompt, language, **values)
        parts.history = turns
        result.prompt = parts.as_dict()
        result.technique_note = technique_note(
            prompt, changed_parts(self._render(self.prompts["answer"], language, **values), parts), language)

        draft = ""
        # Small models sometimes go on to recite the extracts: stop where an extract's header would start.
        stop = list(dict.fromkeys(f"{c.lesson_title} — " for c in extracts))[:3] + ["\nQuestion"]
        for token in _hold_marker(self.generate(parts, stop)):
            if token is _DECLINED:
                yield self._decline(result, "model_declined", retrieval, ms)
                return
            if result.timings.first_token_ms is None:
                result.timings.first_token_ms = ms()
            draft += token
            yield token
        result.draft_answer = draft
        draft = draft.replace(MARKER, "").strip()
        texts, similarity = [c.embed_text for c in extracts], self._similarity(retrieval)
        check, result.format_ok = check_formatted(draft, prompt.output,
                                                  lambda text: check_citations(text, texts, *similarity))
        if not check.used and (check.judged or not analyze(draft)):
            # Nothing in the extracts supports this answer (it was invented), or it has no words. Say so.
            yield self._decline(result, "unsupported", retrieval, ms)
            return
        result.answer = check.answer
        result.unsupported_sentences = check.unsupported
        result.dropped_citations = check.dropped
        result.citations = [
            Citation(n, extracts[n - 1].id, extracts[n - 1].lesson_id, extracts[n - 1].lesson_title,
                     extracts[n - 1].section, extracts[n - 1].text) for n in check.used
        ]
        result.timings.total_ms = ms()
        yield result

    # ------------------------------------------------------------------ steps

    def _similarity(self, retrieval: Retrieval):
        """(similarity(sentence, n), threshold) over the extracts' stored vectors, for cross-language support."""
        from tutor.providers import embedding_model_name

        threshold = SUPPORT_SIMILARITY.get(embedding_model_name(self.settings.embeddings))
        if threshold is None or not retrieval.hits:
            return None, 1.1
        ids = [h.chunk.id for h in retrieval.hits]
        stored = retrieval.snapshot.collection.get(ids=ids, include=["embeddings"])
        vectors = dict(zip(stored["ids"], stored["embeddings"]))
        cache: dict[str, list[float]] = {}

        def similarity(sentence: str, n: int) -> float:
            if sentence not in cache:
                cache[sentence] = self.embeddings.embed_query(sentence)
            return float(sum(a * b for a, b in zip(cache[sentence], vectors[ids[n - 1]])))

        return similarity, threshold

    def _render(self, prompt: PromptFile, language: str, **values: str) -> PromptParts:
        return prompt.render(language_rule=LANGUAGE_RULES[language], **values)

    def generate(self, parts: PromptParts, stop: list[str] | None = None, max_tokens: int | None = None
                 ) -> Iterator[str]:
        """The model's reply to `parts`, as text pieces; `max_tokens` caps it on the local model."""
        limit = {"max_tokens": max_tokens} if max_tokens and self.settings.llm.provider == "local" else {}
        try:
            for chunk in self.chat_model.stream(parts.messages(), stop=stop or None, **limit):
                text = chunk.text  # plain text whatever the provider's content blocks look like
                if text:
                    yield text
        except TutorError:
            raise
        except Exception as exc:
            log.exception("LLM call failed (%s)", self.settings.llm.provider)
            raise TutorError("provider_unavailable", {
                "fr": f"Le modèle de langage ({self.settings.llm.provider}) ne répond pas. Vérifiez sa "
                      f"configuration (TUTOR_LLM__*) et réessayez. Détail : {type(exc).__name__}.",
                "en": f"The language model ({self.settings.llm.provider}) is not answering. Check its "
                      f"settings (TUTOR_LLM__*) and try again. Detail: {type(exc).__name__}.",
            }, str(exc)) from exc

    def _rewrite(self, question: str, turns: list[dict]) -> str:
        """A standalone version of a follow-up question; falls back to joining it to the last question."""
        last_user = next((t["content"] for t in reversed(turns) if t["role"] == "user"), "")
        fallback = f"{last_user} {question}".strip()
        history = "\n".join(f"{'Apprenant' if t['role'] == 'user' else 'Tuteur'} : {t['content']}"
                            for t in turns[-4:])
        parts = self.prompts["rewrite"].render(history=history, question=question)
        try:
            text = "".join(self.generate(parts)).strip().splitlines()
        except TutorError:
            return fallback
        rewritten = clean_text(text[0]) if text else ""
        if not rewritten or len(rewritten) > 3 * len(fallback) + 40 or MARKER in rewritten \
                or not set(analyze(rewritten)) - set(analyze(question)):  # it resolved nothing
            return fallback
        # Keep the learner's words too: retrieval then matches both the rewrite and the original.
        return f"{rewritten} {question}" if question.lower() not in rewritten.lower() else rewritten

    def _decline(self, result: TutorResult, reason: str, retrieval: Retrieval | None, ms) -> TutorResult:
        lessons = closest_lessons(retrieval, self.reader)
        bullet = "\n".join(f"- {lesson['title']}" for lesson in lessons)
        result.refused = True
        result.refusal_reason = reason
        result.closest_lessons = lessons
        result.answer = self.prompts["decline"].message(result.language, lessons=bullet)
        result.citations = []
        result.timings.total_ms = ms()
        return result


def _retrieved(hit, n: int) -> RetrievedChunk:
    c = hit.chunk
    return RetrievedChunk(n, c.id, c.lesson_id, c.lesson_title, c.section, c.text, round(hit.score, 4),
                          round(hit.dense_score, 4), round(hit.bm25_score, 4))


def _trim_history(history: Sequence[dict]) -> list[dict]:
    """The last turns, each cleaned and shortened, so the prompt stays small on a 2-core machine."""
    turns = []
    for turn in list(history)[-HISTORY_TURNS:]:
        role = turn.get("role")
        content = clean_text(str(turn.get("content", "")))
        if role in ("user", "assistant") and content:
            if len(content) > HISTORY_TURN_CHARS:
                content = content[:HISTORY_TURN_CHARS].rsplit(" ", 1)[0] + " …"
            turns.append({"role": role, "content": content})
    return turns


def _hold_marker(tokens: Iterator[str]) -> Iterator[str]:
    """Pass tokens through, except that a reply starting with the decline marker yields MARKER instead."""
    buffer = ""
    for token in tokens:
        if buffer is None:
            yield token
            continue
        buffer += token
        head = buffer.lstrip(" \n*_`\"'«").upper()
        if head.startswith(MARKER):
            yield _DECLINED
            return
        if not MARKER.startswith(head[:len(MARKER)]) or len(head) >= len(MARKER):
            yield buffer
            buffer = None
    if buffer:
        yield buffer
