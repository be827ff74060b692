"""The chat model as the engine uses it: built from settings on first use, streaming plain text, and every
provider failure turned into a `LearnerError` that says what to do (the details go to the log).

Every call waits its turn in the process's fair queue for this model (tutor.providers.queue): the learner's
place in the line, the longest wait, Stop; remote calls that were throttled or could not connect are retried
with backoff."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from langchain_core.messages import BaseMessage

from tutor.config import Settings
from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.providers.queue import ModelQueue, QueueCancelled, failure_kind, queue_for, with_retries
from tutor.text import fold

log = logging.getLogger(__name__)


class ProviderUnavailable(LearnerError):
    """The model could not be loaded, or does not answer."""


class ChatProvider:
    """One per engine: the settings' chat model (or the one given), loaded lazily."""

    def __init__(self, settings: Settings, model=None):
        self.settings = settings
        self._model = model

    @property
    def model(self):
        if self._model is None:
            from tutor.providers import make_chat_model

            try:
                self._model = make_chat_model(self.settings)
            except LearnerError:
                raise
            except Exception as exc:  # missing model files, broken install
                log.exception("LLM provider failed to load")
                raise ProviderUnavailable("provider_unavailable", Text(
                    f"Le modèle de langage n'a pas pu être chargé ({exc}). Lancez `tutor prepare`.",
                    f"The language model could not be loaded ({exc}). Run `tutor prepare`."), str(exc)) from exc
        return self._model

    @property
    def queue(self) -> ModelQueue:
        return queue_for(self.settings)

    @property
    def name(self) -> str:
        cfg = self.settings.llm
        return {"local": cfg.local_model, "fake": "fake"}.get(cfg.provider, cfg.model)

    def warm_up(self, messages: list[BaseMessage]) -> None:
        """Read a fixed prompt prefix once (the local model caches it), before the first learner."""
        if hasattr(self.model, "warm_up"):
            self.model.warm_up(messages)

    def remember_start(self, prompts: list[list[BaseMessage]]) -> None:
        """Keep the start these prompts share read (the local model; other providers cache on their side)."""
        if hasattr(self.model, "remember_start"):
            with self.queue.slot():
                self.model.remember_start(prompts)

    def choose(self, messages: list[BaseMessage], choices: dict[str, tuple[str, ...]]) -> dict[str, float]:
        """The probability of each choice as the reply's first word: read from the local model's next-token
        distribution (no generation), or, for providers that only return text, 1.0 for the choice the reply
        starts with (a reply that starts with none of them gives every choice the same weight)."""
        model = self.model
        if hasattr(model, "choice_probabilities"):
            with self.queue.slot():
                try:
                    return model.choice_probabilities(messages, choices)
                except Exception as exc:
                    log.exception("choice probabilities failed")
                    raise self._unavailable(exc) from exc
        reply = fold("".join(self.stream(messages, max_tokens=4))).strip(" *_\"'«.:\n")
        picked = [name for name, words in choices.items() if any(reply.startswith(fold(w)) for w in words)]
        if len(picked) != 1:
            return dict.fromkeys(choices, 1 / len(choices))
        return {name: float(name == picked[0]) for name in choices}

    def _unavailable(self, exc: Exception) -> ProviderUnavailable:
        provider = self.settings.llm.provider
        if failure_kind(exc) == "throttled":
            return ProviderUnavailable("provider_throttled", Text(
                f"Le modèle de langage ({provider}) reçoit trop de demandes en ce moment. Reposez votre question "
                "dans une minute.",
                f"The language model ({provider}) is receiving too many requests right now. Please ask again in "
                "a minute."), str(exc))
        return ProviderUnavailable("provider_unavailable", Text(
            f"Le modèle de langage ({provider}) ne répond pas. Vérifiez sa configuration (TUTOR_LLM__*) et "
            f"réessayez. Détail : {type(exc).__name__}.",
            f"The language model ({provider}) is not answering. Check its settings (TUTOR_LLM__*) and try "
            f"again. Detail: {type(exc).__name__}."), str(exc))

    def stream(self, messages: list[BaseMessage], stop: list[str] | None = None, max_tokens: int | None = None
               ) -> Iterator[str]:
        """The model's reply as text pieces; `max_tokens` caps it on the local model."""
        provider = self.settings.llm.provider
        limit = {"max_tokens": max_tokens} if max_tokens and provider == "local" else {}
        model = self.model
        cfg = self.settings.llm
        retries = cfg.retries if provider not in ("local", "fake") else 0

        def attempt() -> Iterator[str]:
            try:
                for chunk in model.stream(messages, stop=stop or None, **limit):
                    text = chunk.text  # plain text whatever the provider's content blocks look like
                    if text:
                        yield text
            except ValueError as exc:
                # LangChain's way of saying the model stopped before its first token (a stop sequence at the very
                # start, or at once its end-of-text): an empty reply, which the engine handles, not a failure.
                if "No generation chunks" not in str(exc):
                    raise

        with self.queue.slot() as place:
            try:
                for text in with_retries(attempt, retries, cfg.retry_backoff_s, place):
                    place.check()  # the learner left: stop generating, free the model for the next one
                    yield text
            except (LearnerError, QueueCancelled):
                raise
            except Exception as exc:
                log.exception("LLM call failed (%s)", provider)
                raise self._unavailable(exc) from exc
