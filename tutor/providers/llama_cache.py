"""Reading less of each prompt with llama.cpp: the prompt's tokens as llama.cpp's chat completion reads
them, the next-token logits after a prompt (for yes/no readings, without generating), and snapshots of
fixed prompt starts.

llama.cpp keeps the tokens of the last prompt and reuses their longest common prefix with the next one.
A yes/no reading with its own instructions between two answers would throw away the answer's
instructions; a snapshot of that start (llama.cpp's per-sequence state, a few MB, restored in
milliseconds) puts them back instead of reading them again. Callers hold the model's lock.
"""

from __future__ import annotations

import ctypes
import weakref

from langchain_core.messages import BaseMessage, HumanMessage

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_SNAPSHOTS: dict[int, list[tuple[tuple[int, ...], bytes]]] = {}  # per Llama object, least recently used first
# Snapshots kept per model: a start is about 28 KB per token read (Qwen2.5-1.5B: 28 layers, 2 key/value heads
# of 128), so 32 starts of the instructions and one extract (about 350 tokens) hold about 320 MB at most.
MAX_SNAPSHOTS = 32
_FORMATTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per Llama object


def prompt_tokens(llama, messages: list[BaseMessage]) -> list[int]:
    """The tokens llama.cpp's own chat completion would read for `messages` (the GGUF's chat template,
    with the assistant's turn opened), so that the next completion shares their prefix."""
    formatter = _FORMATTERS.get(llama) or _FORMATTERS.setdefault(llama, _formatter(llama))
    payload = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
    result = formatter(messages=payload)
    return llama.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)


def _formatter(llama):
    """The GGUF's chat template, compiled once per model (about 15 ms a prompt otherwise)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    return Jinja2ChatFormatter(
        template=llama.metadata["tokenizer.chat_template"],
        eos_token=llama._model.token_get_text(llama.token_eos()),
        bos_token=llama._model.token_get_text(llama.token_bos()) if llama.token_bos() != -1 else "",
    )


def system_prefix(llama, messages: list[BaseMessage]) -> list[int]:
    """The tokens every prompt starting with these (system) messages shares, up to the next turn's start."""
    return shared_prefix(llama, [[*messages, HumanMessage("A")], [*messages, HumanMessage("Z")]])


def shared_prefix(llama, prompts: list[list[BaseMessage]]) -> list[int]:
    """The tokens all these prompts start with (as llama.cpp reads them)."""
    tokens = [prompt_tokens(llama, messages) for messages in prompts]
    return tokens[0][:min(_shared(tokens[0], other) for other in tokens[1:])] if len(tokens) > 1 else tokens[0]


def _shared(a, b) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _evaluate(llama, tokens: list[int]) -> None:
    """Bring the cache to exactly `tokens`, reading only what is not there yet (as `Llama.generate` does)."""
    restore_prefix(llama, tokens)
    prefix = min(_shared(llama._input_ids, tokens), len(tokens) - 1)  # decode at least one: fresh logits
    llama._ctx.kv_cache_seq_rm(-1, prefix, -1)
    llama.n_tokens = prefix
    llama.eval(tokens[prefix:])


def next_token_logits(llama, tokens: list[int]):
    """Evaluate `tokens` and return the logits of the token that would come next."""
    import numpy as np

    _evaluate(llama, tokens)
    return np.ctypeslib.as_array(llama._ctx.get_logits_ith(-1), shape=(llama.n_vocab(),)).copy()


def remembered(llama, tokens: list[int]) -> bool:
    return any(s[0] == tuple(tokens) for s in _SNAPSHOTS.get(id(llama), []))


def remember_prefix(llama, tokens: list[int]) -> None:
    """Read `tokens` once and keep a snapshot of them (the least recently used one goes past MAX_SNAPSHOTS).
    The cache then holds exactly `tokens`: a prompt that starts with them reads only the rest."""
    import llama_cpp

    if not tokens:
        return
    _evaluate(llama, tokens)
    size = llama_cpp.llama_state_seq_get_size(llama._ctx.ctx, 0)
    buffer = (ctypes.c_uint8 * size)()
    llama_cpp.llama_state_seq_get_data(llama._ctx.ctx, buffer, size, 0)
    saved = _SNAPSHOTS.setdefault(id(llama), [])
    saved[:] = ([s for s in saved if s[0] != tuple(tokens)] + [(tuple(tokens), bytes(buffer))])[-MAX_SNAPSHOTS:]


def restore_prefix(llama, tokens: list[int]) -> bool:
    """Before reading `tokens`: put back the longest remembered start of them when the cache shares less
    with them than that. True when a snapshot was restored."""
    import llama_cpp

    shared = _shared(llama._input_ids, tokens)
    fits = [s for s in _SNAPSHOTS.get(id(llama), []) if len(s[0]) <= len(tokens) and tuple(tokens[:len(s[0])]) == s[0]]
    if not fits:
        return False
    best = max(fits, key=lambda s: len(s[0]))
    saved = _SNAPSHOTS[id(llama)]
    saved.remove(best)
    saved.append(best)  # recently used
    prefix, data = best
    if len(prefix) <= shared:
        return False
    llama._ctx.kv_cache_seq_rm(-1, 0, -1)
    buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    llama_cpp.llama_state_seq_set_data(llama._ctx.ctx, buffer, len(data), 0)
    llama.input_ids[: len(prefix)] = prefix
    llama.n_tokens = len(prefix)
    llama._requires_eval = True
    return True
