"""What the engine takes and returns: per-question options, and one structured result per question
(the chat, the CLI and the evals render it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class AskOptions:
    """Per-question choices: answer language and prompt technique."""

    language: str = "auto"  # auto | fr | en
    technique: str = "zero-shot"  # a technique name or alias (tutor/prompting/techniques.py)
    instruction: str = ""  # one more line for the input part ("explain it more simply, with an example")
    guided: bool = False  # guided mode: a guiding question and hints before the answer (tutor/teaching)


@dataclass
class Citation:
    n: int
    chunk_id: str
    lesson: str
    lesson_title: str
    section: str
    text: str

    @classmethod
    def of(cls, chunk, n: int) -> Citation:
        """A lesson chunk cited as extract `n`."""
        return cls(n, chunk.id, chunk.lesson_id, chunk.lesson_title, chunk.section, chunk.text)


@dataclass
class RetrievedChunk:
    n: int  # its extract number in the prompt, 0 when it was not sent
    chunk_id: str
    lesson: str
    lesson_title: str
    section: str
    text: str
    score: float
    dense_score: float
    bm25_score: float

    @classmethod
    def of(cls, hit, n: int) -> RetrievedChunk:
        """A retrieval hit as the result shows it (`n`: its extract number)."""
        c = hit.chunk
        return cls(n, c.id, c.lesson_id, c.lesson_title, c.section, c.text, round(hit.score, 4),
                   round(hit.dense_score, 4), round(hit.bm25_score, 4))


@dataclass
class Timings:
    retrieval_ms: float = 0.0
    first_token_ms: float | None = None
    total_ms: float = 0.0


@dataclass
class TutorResult:
    question: str
    answer: str
    refused: bool
    language: str
    standalone_question: str = ""
    refusal_reason: str | None = None  # injection | off_topic | model_declined | unsupported | not_in_course
    closest_lessons: list[dict] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    prompt: dict = field(default_factory=dict)
    draft_answer: str = ""  # the model's raw text, before citation checking
    unsupported_sentences: list[str] = field(default_factory=list)  # dropped: no extract supports them
    repaired_sentences: list[str] = field(default_factory=list)  # contradicted: replaced by the extract, quoted
    dropped_citations: list[int] = field(default_factory=list)
    technique: str = "zero-shot"
    technique_note: str = ""  # one line: the technique and how it changed the prompt
    format_ok: bool | None = None  # for a required format (JSON): did the model respect it?
    promise: str = "short"  # what the technique promises of the answer's shape (tutor/prompting/promises.py)
    promise_kept_by_model: bool | None = None  # as the model wrote it
    promise_kept: bool | None = None  # as shown, after the repair by code when it was needed
    technique_fallback: bool = False  # the technique's prompt declined; the plain prompt answered, reshaped
    technique_retried: bool = False  # the first answer broke the promise; the model's second attempt kept it
    # Nothing the model wrote held: the model's reading of whether the course's closest sentences answer the
    # question (tutor.engine.quoting); at or above its threshold, they are the answer, quoted.
    quote_reading: float | None = None
    timings: Timings = field(default_factory=Timings)
    provider: str = ""
    model: str = ""
    index_version: str = ""
    # Teaching (tutor/teaching): what the learner did, and what the tutor did about it.
    act: str = "question"  # see tutor.teaching.acts.ACTS
    grade: dict | None = None  # {"verdict", "reason", "expected", "item_id", "lesson_id", "kind"}
    item: dict | None = None  # the question the tutor asks now (tutor.teaching.items.Item.as_dict())
    quiz: dict | None = None  # {"position", "total", "grades"} while a quiz runs
    suggestions: list[str] = field(default_factory=list)  # what the learner could send next

    def as_dict(self) -> dict:
        data = asdict(self)
        for citation in data["citations"]:
            citation["lesson_id"] = citation["lesson"]
        return data
