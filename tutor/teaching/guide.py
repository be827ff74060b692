"""Guided mode: instead of answering a course question at once, the tutor asks the learner what they think,
gives graduated hints on request, grades their attempt, and then gives the full answer with its sources.

The guiding reply is built from the learner's own question and the lesson's location, never from the
answer: `leaks()` checks by code that it contains none of the expected answer's own words.
"""

from __future__ import annotations

from collections.abc import Iterator

from tutor.engine.claims import aligned
from tutor.engine.events import Event, Found
from tutor.teaching import feedback
from tutor.teaching.items import Item, clean, item_id
from tutor.text import analyze


def leaks(reply: str, question: str, expected: str) -> bool:
    """Whether a guiding reply gives away the expected answer: words of the answer that are neither in the
    learner's question nor in the reply's fixed wording appear in it."""
    own = set(analyze(expected)) - set(analyze(question))
    fixed = set(analyze(feedback.GUIDE_OPEN.fr + feedback.GUIDE_OPEN.en))
    return bool(own & (set(analyze(reply)) - fixed - set(analyze(question))))


class Guide:
    def __init__(self, teacher):
        self.teacher = teacher

    def open(self, text: str, session, options, language: str) -> Iterator[Event]:
        tutor = self.teacher.tutor
        retrieval = tutor.retriever.retrieve(text)
        yield Found(retrieval)
        if not tutor.policy.is_relevant(retrieval, language) or not retrieval.hits:
            return tutor.decline(text, language, "off_topic", retrieval)
        chunk = retrieval.hits[0].chunk
        expected = clean(" ".join(aligned(text, chunk.text, 2)))
        item = Item(item_id(chunk.id, text), "short", text, expected, chunk.id, chunk.lesson_id, chunk.lesson_title,
                    chunk.section, chunk.text, language=language, origin="guided")
        reply = feedback.GUIDE_OPEN.get(language, question=text)
        if leaks(reply, text, expected):  # never, as the reply is built; checked all the same
            reply = feedback.GUIDE_OPEN.get(language, question="")
        session.ask(item, "guided")
        session.guided_question = text
        return self.teacher.reply(reply, text, language, item=item.as_dict())

    def conclude(self, body: str, text: str, session, options, language: str, fields: dict) -> Iterator[Event]:
        """After the learner's attempt (graded in `body`): the full answer to their question, streamed."""
        question = session.guided_question
        session.guided_question = ""
        result = yield from self.teacher.answer(question, session, options, language)
        result.answer = f"{body}\n\n{feedback.GUIDE_THEN.get(language)}\n\n{result.answer}"
        result.grade = fields.get("grade")
        result.question = text
        return result
