"""What the tutor remembers of one conversation between turns: the history, the question it is waiting an
answer to, the quiz in progress, guided mode, and the learner's progress snapshot. Front doors keep it
(the chat in its user session) and hand it to the teacher at every turn."""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.teaching.items import Item
from tutor.teaching.progress import Progress
from tutor.teaching.quiz import Quiz

HISTORY_KEEP = 12  # turns kept for follow-ups (the engine trims further)


@dataclass
class Session:
    history: list[dict] = field(default_factory=list)
    pending: Item | None = None  # the question the tutor asked and waits an answer to
    pending_kind: str = ""  # check | quiz | guided
    hints: int = 0  # hints given for the pending question
    quiz: Quiz | None = None
    guided: bool = False
    guided_question: str = ""  # the learner's question behind a guided item (answered in full at the end)
    last_question: str = ""  # the last course question answered (to explain it again differently)
    last_act: str = ""  # what the learner did last turn (question, quiz, answer...)
    recent_items: set[str] = field(default_factory=set)
    progress: Progress | None = None

    def remember(self, message: str, reply: str) -> None:
        self.history = (self.history + [{"role": "user", "content": message},
                                        {"role": "assistant", "content": reply}])[-HISTORY_KEEP:]

    def ask(self, item: Item, kind: str) -> None:
        self.pending, self.pending_kind, self.hints = item, kind, 0

    def clear_pending(self) -> None:
        if self.pending is not None:
            self.recent_items.add(self.pending.id)
        self.pending, self.pending_kind, self.hints = None, "", 0
