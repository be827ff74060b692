"""The embedded model itself: assembled from its PyPI packages, loaded once, streaming, honouring stops."""

import os
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from tutor.providers.local_llm import load_local_chat_model

pytestmark = pytest.mark.real
REAL_CACHE = Path(os.environ.get("TUTOR_TEST_CACHE_DIR", Path.home() / ".cache" / "tutor"))


def test_local_model_streams_and_stops(settings):
    model = load_local_chat_model(settings.model_copy(update={"cache_dir": REAL_CACHE}))
    assert Path(model.model_path).stat().st_size == 1_117_320_768
    system = SystemMessage("Tu réponds en une phrase courte, en français.")
    model.warm_up([system])
    llama = model.load()
    assert llama.n_tokens > 5  # the warm-up really read the system prompt into the cache
    chunks = [c.text for c in model.stream([system, HumanMessage("Où se trouve le Japon ?")])]
    assert len(chunks) > 3 and "Japon" in "".join(chunks)
    stopped = "".join(c.text for c in model.stream([system, HumanMessage("Où se trouve le Japon ?")],
                                                   stop=["Japon"]))
    assert "Japon" not in stopped


def test_a_snapshot_of_a_prompt_start_is_restored_after_other_prompts_with_the_same_answer(settings):
    from tutor.providers.llama_cache import prompt_tokens, restore_prefix

    model = load_local_chat_model(settings.model_copy(update={"cache_dir": REAL_CACHE}))
    system = SystemMessage("Tu réponds en une phrase courte, en français, sur la géographie du monde.")
    question = [system, HumanMessage("Où se trouve le Japon ?")]
    model.warm_up([system])
    first = "".join(c.text for c in model.stream(question, max_tokens=12))
    model.choice_probabilities([SystemMessage("Réponds par oui ou par non."), HumanMessage("Le ciel est bleu ?")],
                               {"yes": ("oui",), "no": ("non",)})  # another prompt went through the cache
    llama = model.load()
    assert restore_prefix(llama, prompt_tokens(llama, question))  # the answer's start comes back, not re-read
    again = "".join(c.text for c in model.stream(question, max_tokens=12))
    assert again == first  # greedy decoding from the restored state gives the same answer


def test_a_prompt_start_up_to_its_first_extract_is_kept_and_the_next_prompt_with_that_extract_reads_only_the_rest(
        settings, monkeypatch):
    from types import SimpleNamespace

    from tutor.engine.context import extracts_block, start_variants
    from tutor.providers import llama_cache
    from tutor.providers.llama_cache import prompt_tokens, restore_prefix, system_prefix

    model = load_local_chat_model(settings.model_copy(update={"cache_dir": REAL_CACHE}))
    llama = model.load()
    monkeypatch.setitem(llama_cache._SNAPSHOTS, id(llama), [])
    system = SystemMessage("Tu réponds en une phrase courte, en français, avec les extraits.")

    def prompt(extracts, question):
        return [system, HumanMessage(f"Extraits :\n{extracts}\n\nQuestion : {question}")]

    first = SimpleNamespace(lesson_title="Géographie", section="Le Japon",
                            text="Le Japon est un archipel de l'océan Pacifique. Sa capitale est Tokyo.")
    other = SimpleNamespace(lesson_title="Géographie", section="La France", text="La capitale de la France est Paris.")
    model.warm_up([system])
    model.remember_start([prompt(e, q) for e, q in start_variants("", [first])])
    question = prompt(extracts_block("Quelle est la capitale du Japon ?", [first, other]), "Quelle est la capitale du Japon ?")
    model.choice_probabilities([SystemMessage("Réponds par oui ou par non."), HumanMessage("Le ciel est bleu ?")],
                               {"yes": ("oui",), "no": ("non",)})  # another prompt went through the cache
    assert restore_prefix(llama, prompt_tokens(llama, question))
    kept = llama.n_tokens
    assert kept > len(system_prefix(llama, [system])) + 20 and kept < len(prompt_tokens(llama, question))
    warm = "".join(c.text for c in model.stream(question, max_tokens=10))
    monkeypatch.setitem(llama_cache._SNAPSHOTS, id(llama), [])
    model.reset_cache()
    assert "".join(c.text for c in model.stream(question, max_tokens=10)) == warm  # read whole: the same answer


def test_kept_starts_are_bounded_and_the_least_recently_used_goes_first(settings, monkeypatch):
    from tutor.providers import llama_cache
    from tutor.providers.llama_cache import prompt_tokens, restore_prefix

    model = load_local_chat_model(settings.model_copy(update={"cache_dir": REAL_CACHE}))
    llama = model.load()
    monkeypatch.setitem(llama_cache._SNAPSHOTS, id(llama), [])
    monkeypatch.setattr(llama_cache, "MAX_SNAPSHOTS", 2)
    systems = [[SystemMessage(f"Tu es l'assistant numéro {n}.")] for n in ("un", "deux", "trois")]
    model.warm_up(systems[0])
    model.warm_up(systems[1])
    assert restore_prefix(llama, prompt_tokens(llama, [*systems[0], HumanMessage("Bonjour")]))  # now the most recent
    model.warm_up(systems[2])  # over the bound: "deux", the least recently used, goes
    kept = [s[0] for s in llama_cache._SNAPSHOTS[id(llama)]]
    assert len(kept) == 2
    llama.reset()
    assert restore_prefix(llama, prompt_tokens(llama, [*systems[0], HumanMessage("Bonjour")]))
    assert not restore_prefix(llama, prompt_tokens(llama, [*systems[1], HumanMessage("Bonjour")]))


def test_flash_attention_follows_the_settings(settings):
    import llama_cpp

    real = settings.model_copy(update={"cache_dir": REAL_CACHE})
    off = load_local_chat_model(real.model_copy(update={"llm": real.llm.model_copy(update={"flash_attention": False})}))
    assert off.load().context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    on = load_local_chat_model(real)  # the default, which frees the other: one model in memory at a time
    assert on.load().context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
