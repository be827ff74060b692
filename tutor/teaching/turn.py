"""One learner turn at the teaching level: what the learner is doing (tutor.teaching.acts), then the
behaviour for it. Questions go to the engine; greetings get a friendly reply; a request to be checked gets
a validated question; an answer is graded; a statement is checked against the lesson; and so on.

`Teacher.stream()` yields the engine's events (`Found`, `Token`, `Done`) whatever the act, so the chat, the
CLI and the evals render every reply through the same path. The session (tutor.teaching.session) is
updated in place; the front door keeps it between turns and stores the grade in the learner's progress.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from tutor.engine.events import Done, Event, Found
from tutor.engine.input import clean_question
from tutor.engine.result import AskOptions, Citation, TutorResult
from tutor.engine.support import SupportJudge
from tutor.i18n import SUPPORTED, conversation_language, detect_language
from tutor.teaching import feedback, replies
from tutor.teaching.acts import classifier, settle
from tutor.teaching.grading import Grade, Grader, make_grader
from tutor.teaching.guide import Guide
from tutor.teaching.items import Item, chosen_option
from tutor.teaching.progress import Progress
from tutor.teaching.quiz import QuizMaker
from tutor.teaching.session import Session
from tutor.teaching.statements import claim_of
from tutor.teaching.verdicts import checked, yes_no_claim
from tutor.text import fold

REPHRASE = {"fr": "Réexplique cela plus simplement, pour un débutant, avec un exemple concret tiré des extraits.",
            "en": "Explain it again more simply, for a beginner, with a concrete example from the extracts."}
QUIZ_WORDS = ("quiz", "qcm", "questions", "test", "exercice", "exercise", "interroge")


class Teacher:
    """Wraps the engine (`tutor.engine.tutor.Tutor`); one per process, like the engine."""

    def __init__(self, tutor, judge: SupportJudge | None = None, grader: Grader | None = None):
        self.tutor = tutor
        self.judge = judge or tutor.judge
        self.grader = grader or make_grader(tutor.llm, tutor.settings, tutor.embeddings)
        self.guide = Guide(self)
        self._acts = None

    # ------------------------------------------------------------------ entry point

    def stream(self, message: str, session: Session, options: AskOptions | None = None) -> Iterator[Event]:
        options = options or AskOptions()
        started = time.perf_counter()
        language = options.language if options.language in SUPPORTED else \
            detect_language(message or "", previous=conversation_language(session.history))
        text = clean_question(message)
        last = session.last_act or ("question" if session.history else "")  # a resumed conversation: its exchanges
        act = settle(self.acts().classify(text, pending=session.pending is not None).name, text, last, self.about_course)
        result = yield from getattr(self, f"_{act}")(text, session, options, language)
        result.act = session.last_act = act
        if not result.timings.total_ms:
            result.timings.total_ms = round((time.perf_counter() - started) * 1000, 1)
        session.remember(text, result.answer)
        yield Done(result)

    def ask(self, message: str, session: Session, options: AskOptions | None = None) -> TutorResult:
        from tutor.engine.events import collect

        return collect(self.stream(message, session, options))

    # ------------------------------------------------------------------ helpers

    def acts(self):
        """The act classifier, trained once per process (its examples' vectors come from the shared cache)."""
        from tutor.providers import make_cached_embeddings

        if self._acts is None:
            cached = make_cached_embeddings(self.tutor.settings)
            try:
                self._acts = classifier(self.tutor.embeddings, cached, self.tutor.settings.cache_dir)
            finally:
                cached.close()
        return self._acts

    def about_course(self, text: str) -> bool:
        """Plainly about the course: the engine's relevance model (retrieval signals alone) gives it better
        odds than not. Its own gate is more lenient, as it is there to decline only what is surely off-topic."""
        retrieval = self.tutor.retriever.retrieve(text)
        return bool(retrieval.hits) and self.tutor.policy.probability(self.tutor.policy.signals(retrieval)) >= 0.5

    def reply(self, text: str, question: str, language: str, **fields) -> TutorResult:
        return TutorResult(question=question, answer=text, refused=False, language=language,
                           provider=self.tutor.settings.llm.provider, model=self.tutor.llm.name, **fields)

    def answer(self, question: str, session: Session, options: AskOptions, language: str) -> Iterator[Event]:
        """The engine's answer to a course question (Found, Token..., then the result returned)."""
        result = None
        for event in self.tutor.stream(question, session.history, options.__class__(**{
                **options.__dict__, "language": language})):
            if isinstance(event, Done):
                result = event.result
            else:
                yield event
        if not result.refused:
            session.last_question = question
        return result

    def progress(self, session: Session) -> Progress:
        if session.progress is None:
            session.progress = Progress(lessons=[dict(lesson) for lesson in self.tutor.reader.lessons()])
        return session.progress

    def quiz_maker(self) -> QuizMaker:
        return QuizMaker(self.tutor.reader.snapshot().chunks)

    def citation(self, item: Item) -> Citation:
        return Citation(1, item.chunk_id, item.lesson_id, item.lesson_title, item.section, item.source)

    # ------------------------------------------------------------------ acts

    def _question(self, text, session, options, language):
        session.clear_pending()
        session.quiz = None
        if session.guided or options.guided:
            return (yield from self.guide.open(text, session, options, language))
        if options.technique == "zero-shot" and not options.instruction and (claim := yes_no_claim(text)):  # by code
            retrieval, result = checked(self, text, claim, language, feedback.YES_NO, graded=False, by_code=True)
            if result is not None:
                yield Found(retrieval)
                session.last_question = text
                return result
        return (yield from self.answer(text, session, options, language))

    def _injection(self, text, session, options, language):
        return (yield from self.answer(text, session, options, language))

    def _greeting(self, text, session, options, language):
        reply, ideas = replies.social("greeting", self.progress(session), language)
        return self.reply(reply, text, language, suggestions=ideas)
        yield  # a generator, like every act

    def _thanks(self, text, session, options, language):
        reply, ideas = replies.social("thanks", self.progress(session), language)
        return self.reply(reply, text, language, suggestions=ideas)
        yield

    def _help(self, text, session, options, language):
        reply, ideas = replies.social("help", self.progress(session), language)
        return self.reply(reply, text, language, suggestions=ideas)
        yield

    def _next(self, text, session, options, language):
        reply, ideas = replies.next_step(self.progress(session), language)
        return self.reply(reply, text, language, suggestions=ideas)
        yield

    def _quiz(self, text, session, options, language):
        """A check question (one, answered in words) or a quiz (multiple choice), on the topic asked for or
        on the lessons the learner masters least."""
        session.clear_pending()
        near = self.topic_chunks(text, language)
        maker = self.quiz_maker()
        wants_quiz = any(word in fold(text) for word in QUIZ_WORDS)
        if wants_quiz:
            progress = self.progress(session)
            lessons = list(dict.fromkeys(c.lesson_id for c in near)) or \
                [lesson["id"] for lesson in sorted(progress.lessons, key=lambda x: progress.of(x["id"]).mastery)]
            return self.start_quiz(maker.quiz(lessons, language, session.recent_items), text, session, language)
        item = maker.check_question(near or list(maker.chunks[:3]), language, session.recent_items)
        if item is None:
            return self.reply(feedback.NO_ITEM.get(language), text, language)
        session.ask(item, "check")
        return self.reply(feedback.item_text(item, language, feedback.CHECK.get(language)), text, language,
                          item=item.as_dict())
        yield

    def start_quiz(self, quiz, text: str, session: Session, language: str) -> TutorResult:
        if not quiz.items:
            return self.reply(feedback.NO_ITEM.get(language), text, language)
        session.quiz = quiz
        item = quiz.current
        session.ask(item, "quiz")
        head = feedback.QUIZ_START.get(language, n=len(quiz.items), lesson=item.lesson_title)
        body = feedback.item_text(item, language, feedback.QUIZ_ITEM.get(language, i=1, n=len(quiz.items),
                                                                          question=""))
        return self.reply(f"{head}\n\n{body}", text, language, item=item.as_dict(), quiz=self._quiz_state(session))

    def topic_chunks(self, text: str, language: str) -> list:
        """The chunks a request is about ("une question sur les prompts"), if it names a course topic."""
        retrieval = self.tutor.retriever.retrieve(text)
        return [h.chunk for h in retrieval.hits] if self.tutor.policy.is_relevant(retrieval, language) else []

    def _answer(self, text, session, options, language):
        item = session.pending
        if item is None:
            return (yield from self._question(text, session, options, language))
        if item.kind == "mcq":
            choice = chosen_option(text, item.options)
            grade = self.grader.grade_choice(choice, item.answer_index) if choice is not None else \
                self.grader.grade(item.question, item.expected, text, item.source)
        else:
            grade = self.grader.grade(item.question, item.expected, text, item.source)
        return (yield from self.graded(grade, text, session, options, language))

    def graded(self, grade: Grade, text: str, session: Session, options, language: str):
        """The grade's feedback, then what follows: the next quiz item, or the full answer in guided mode."""
        item, kind = session.pending, session.pending_kind
        record = {"verdict": grade.verdict, "reason": grade.reason, "expected": item.expected, "item_id": item.id,
                  "lesson_id": item.lesson_id, "kind": kind, "question": item.question}
        body = feedback.graded_text(grade, item, language)
        session.clear_pending()
        result_fields = {"grade": record, "citations": [self.citation(item)]}
        if kind == "quiz" and session.quiz is not None:
            return self.next_quiz_item(body, grade.verdict, text, session, language, result_fields)
        if kind == "guided":
            return (yield from self.guide.conclude(body, text, session, options, language, result_fields))
        return self.reply(body, text, language, **result_fields)

    def next_quiz_item(self, body, verdict, text, session, language, fields) -> TutorResult:
        quiz = session.quiz
        quiz.grades.append(verdict)
        quiz.position += 1
        item = quiz.current
        if item is None:
            score = sum(g == "correct" for g in quiz.grades)
            done = feedback.QUIZ_DONE.get(language, score=score, n=len(quiz.items),
                                          advice=feedback.QUIZ_ADVICE[score == len(quiz.items)].get(language))
            state = self._quiz_state(session)
            session.quiz = None
            return self.reply(f"{body}\n\n{done}", text, language, quiz=state, **fields)
        session.ask(item, "quiz")
        header = feedback.QUIZ_ITEM.get(language, i=quiz.position + 1, n=len(quiz.items), question="")
        return self.reply(f"{body}\n\n{feedback.item_text(item, language, header)}", text, language,
                          item=item.as_dict(), quiz=self._quiz_state(session), **fields)

    @staticmethod
    def _quiz_state(session: Session) -> dict:
        quiz = session.quiz
        return {"position": quiz.position, "total": len(quiz.items), "grades": list(quiz.grades)}

    def _hint(self, text, session, options, language):
        item = session.pending
        if item is None:
            return (yield from self._help(text, session, options, language))
        hint = feedback.hint_text(item, session.hints, language)
        if hint is None:
            return (yield from self._reveal(text, session, options, language, feedback.NO_MORE_HINTS.get(language)))
        session.hints += 1
        return self.reply(hint, text, language, item=item.as_dict())

    def _reveal(self, text, session, options, language, opening: str = ""):
        item = session.pending
        if item is None:
            return (yield from self._question(text, session, options, language))
        grade = Grade("incorrect", "revealed", 0.0)
        body = feedback.REVEAL.get(language, expected=item.expected)
        source = feedback.SOURCE.get(language, lesson=item.lesson_title, section=item.section)
        record = {"verdict": "revealed", "reason": "revealed", "expected": item.expected, "item_id": item.id,
                  "lesson_id": item.lesson_id, "kind": session.pending_kind, "question": item.question}
        fields = {"grade": record, "citations": [self.citation(item)]}
        body = f"{opening}\n\n{body}\n\n_{source}_".strip()
        kind = session.pending_kind
        session.clear_pending()
        if kind == "quiz" and session.quiz is not None:
            return self.next_quiz_item(body, grade.verdict, text, session, language, fields)
        if kind == "guided":
            return (yield from self.guide.conclude(body, text, session, options, language, fields))
        return self.reply(body, text, language, **fields)

    def _statement(self, text, session, options, language):
        """Check a learner's claim against the lesson: confirmed only when the course supports it."""
        session.clear_pending()
        retrieval, result = checked(self, text, claim_of(text), language, feedback.STATEMENT)
        yield Found(retrieval)
        return result or self.tutor.decline(text, language, "not_in_course", retrieval)

    def _rephrase(self, text, session, options, language):
        if not session.last_question:
            return (yield from self._question(text, session, options, language))
        again = options.__class__(**{**options.__dict__, "instruction": REPHRASE[language]})
        return (yield from self.answer(session.last_question, session, again, language))
