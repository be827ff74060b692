"""The embedded chat model: a GGUF file run in-process by llama-cpp-python, as a LangChain chat model.

One `Llama` per process, behind a lock (it is not thread-safe, and two generations at once would only
share two cores). Reading the prompt is most of the wait on a CPU: the cache helpers
(tutor.providers.llama_cache) make every prompt resume from the longest start already read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from tutor.config import Settings
from tutor.providers.llama_cache import (
    next_token_logits,
    prompt_tokens,
    remember_prefix,
    remembered,
    restore_prefix,
    shared_prefix,
    system_prefix,
)

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_LOCK = threading.Lock()
_LOADED: dict[tuple, Any] = {}


def _llama(path: str, n_ctx: int, threads: int, flash_attention: bool):
    key = (path, n_ctx, threads, flash_attention)
    with _LOCK:
        if key not in _LOADED:
            from llama_cpp import Llama

            _LOADED.clear()  # one model in memory at a time
            _LOADED[key] = Llama(
                model_path=path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                n_batch=512, flash_attn=flash_attention, verbose=False,
            )
        return _LOADED[key]


class LlamaCppChatModel(BaseChatModel):
    """Streams chat completions from a local GGUF model (llama-cpp-python)."""

    model_path: str
    model_name: str
    n_ctx: int = 4096
    n_threads: int = 2
    flash_attention: bool = True
    temperature: float = 0.0
    max_tokens: int = 400
    repeat_penalty: float = 1.1
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    def load(self):
        """Load the model now (start-up), not at the first question."""
        return _llama(self.model_path, self.n_ctx, self.n_threads, self.flash_attention)

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def reset_cache(self) -> None:
        """Forget the cached prompt prefix (benchmarks compare cold prompt reading)."""
        llama = self.load()
        with _LOCK:
            llama.reset()

    def warm_up(self, messages: list[BaseMessage]) -> None:
        """Read a fixed prompt start (a system message) once and keep a snapshot of it: every later prompt
        that starts the same way resumes from it, even after other prompts went through the model."""
        llama = self.load()
        with _LOCK:
            remember_prefix(llama, system_prefix(llama, messages))

    def remember_start(self, prompts: list[list[BaseMessage]]) -> None:
        """Keep a snapshot of the start these prompts share (read now, unless one is kept already): a prompt
        that starts the same way later reads only the rest. Asked just before one of these prompts is
        answered, it costs nothing more than that answer's own reading of the start."""
        llama = self.load()
        with _LOCK:
            tokens = shared_prefix(llama, prompts)
            if not remembered(llama, tokens):
                remember_prefix(llama, tokens)

    def choice_probabilities(self, messages: list[BaseMessage], choices: dict[str, tuple[str, ...]]
                             ) -> dict[str, float]:
        """How likely the model is to start its reply with each choice (e.g. {"yes": ("oui",), "no": ("non",)}):
        the softmax of the next-token logits over the choices' first tokens, read after the prompt, with no
        generation. The prompt's prefix is shared with the previous call (llama.cpp's cache), so asking this
        just before an answer with the same start costs only the tokens that differ."""
        import numpy as np

        llama = self.load()
        ids = {name: {llama.tokenize(word.encode("utf-8"), add_bos=False, special=False)[0] for word in words}
               for name, words in choices.items()}
        with _LOCK:
            logits = next_token_logits(llama, prompt_tokens(llama, messages))
        scores = {name: np.logaddexp.reduce([logits[i] for i in sorted(toks)]) for name, toks in ids.items()}
        top = max(scores.values())
        weights = {name: float(np.exp(score - top)) for name, score in scores.items()}
        total = sum(weights.values())
        return {name: weight / total for name, weight in weights.items()}

    def first_token_probability(self, messages: list[BaseMessage], word: str) -> float:
        """The probability (over the whole vocabulary) that the reply starts with `word`'s first token: the
        model's own leaning, read from the prompt it will answer (whose reading is then reused)."""
        import numpy as np

        llama = self.load()
        token = llama.tokenize(word.encode("utf-8"), add_bos=False, special=False)[0]
        with _LOCK:
            logits = next_token_logits(llama, prompt_tokens(llama, messages))
        top = float(np.max(logits))
        return float(np.exp(logits[token] - top) / np.exp(logits - top).sum())

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any
                ) -> Iterator[ChatGenerationChunk]:
        for text in self._complete(messages, stop=stop, **kwargs):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
            if run_manager:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        text = "".join(self._complete(messages, stop=stop, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _complete(self, messages: list[BaseMessage], stop=None, max_tokens: int | None = None,
                  **kwargs: Any) -> Iterator[str]:
        llama = self.load()
        payload = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        with _LOCK:
            restore_prefix(llama, prompt_tokens(llama, messages))
            stream = llama.create_chat_completion(
                messages=payload, stream=True, stop=stop,
                temperature=kwargs.get("temperature", self.temperature),
                max_tokens=max_tokens or kwargs.get("max_tokens", self.max_tokens),
                repeat_penalty=self.repeat_penalty, seed=0,
            )
            for part in stream:
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text


def load_local_chat_model(settings: Settings) -> LlamaCppChatModel:
    """The embedded model named by settings, assembled and verified on first use (no network)."""
    from tutor.providers.assets import ensure_local_model

    path = ensure_local_model(settings.llm.local_model, settings.cache_dir)
    return LlamaCppChatModel(
        model_path=str(path), model_name=settings.llm.local_model, n_ctx=settings.llm.context_window,
        n_threads=settings.llm.threads, flash_attention=settings.llm.flash_attention,
        temperature=settings.llm.temperature, max_tokens=settings.llm.max_tokens,
    )
