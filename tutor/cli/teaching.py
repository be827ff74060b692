"""`tutor quiz` and `tutor grade`: the teaching layer from the shell (the same code as the chat)."""

from __future__ import annotations

import json

from tutor.cli.output import EXIT_BAD_INPUT, err, learner_error
from tutor.config import Settings
from tutor.errors import LearnerError


def cmd_quiz(args, settings: Settings) -> int:
    """Validated multiple-choice items for a lesson (or the whole course), with their answers and sources."""
    from tutor.engine.tutor import Tutor
    from tutor.teaching.feedback import LETTERS
    from tutor.teaching.turn import Teacher

    try:
        teacher = Teacher(Tutor(settings))
        lessons = [lesson["id"] for lesson in teacher.tutor.reader.lessons()]
        if args.lesson and args.lesson not in lessons:
            err(f"no lesson '{args.lesson}' in the index (lessons: {', '.join(lessons)})")
            return EXIT_BAD_INPUT
        maker = teacher.quiz_maker()
        quiz = maker.quiz([args.lesson] if args.lesson else lessons, args.language, recent=set(), n=args.n)
    except LearnerError as exc:
        return learner_error(exc, args.language)
    if args.json:
        print(json.dumps({"items": [i.as_dict() for i in quiz.items],
                          "rejected": {"total": maker.rejections.total, "by_reason": maker.rejections.counts}},
                         ensure_ascii=False, indent=2))
        return 0
    for n, item in enumerate(quiz.items, 1):
        print(f"{n}. {item.question}")
        for i, option in enumerate(item.options):
            mark = "*" if i == item.answer_index else " "
            print(f"   {mark} {LETTERS[i]}. {option}")
        print(f"   ({item.lesson_title} › {item.section})\n")
    print(f"{len(quiz.items)} items; {maker.rejections.total} generated items rejected by the validator "
          f"{dict(maker.rejections.counts) or ''}".rstrip())
    return 0


def cmd_grade(args, settings: Settings) -> int:
    """Grade one answer against the expected one: correct, partial or incorrect, with the reason."""
    from tutor.providers import make_embeddings
    from tutor.providers.chat import ChatProvider
    from tutor.teaching.grading import make_grader

    try:
        grade = make_grader(ChatProvider(settings), settings, make_embeddings(settings)).grade(
            args.question, args.expected, args.answer)
    except LearnerError as exc:
        return learner_error(exc, "en")
    if args.json:
        print(json.dumps(grade.as_dict(), ensure_ascii=False))
    else:
        print(f"{grade.verdict} ({grade.reason}; {round(grade.coverage * 100)}% of the expected answer's parts)")
    return 0
