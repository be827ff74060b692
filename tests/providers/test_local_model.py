"""The embedded model itself: assembled from its PyPI packages, loaded once, streaming, honouring stops."""

import os
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from tutor.providers.local_llm import _LOADED, load_local_chat_model

pytestmark = pytest.mark.real
REAL_CACHE = Path(os.environ.get("TUTOR_TEST_CACHE_DIR", Path.home() / ".cache" / "tutor"))


def test_local_model_streams_and_stops(settings):
    model = load_local_chat_model(settings.model_copy(update={"cache_dir": REAL_CACHE}))
    assert Path(model.model_path).stat().st_size == 1_117_320_768
    system = SystemMessage("Tu réponds en une phrase courte, en français.")
    model.warm_up([system])
    llama = _LOADED[(model.model_path, model.n_ctx, model.n_threads)]
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
    llama = _LOADED[(model.model_path, model.n_ctx, model.n_threads)]
    assert restore_prefix(llama, prompt_tokens(llama, question))  # the answer's start comes back, not re-read
    again = "".join(c.text for c in model.stream(question, max_tokens=12))
    assert again == first  # greedy decoding from the restored state gives the same answer
