"""The tutoring suite: acts, grading, quiz validity, guided-mode leaks, greetings, and scripted dialogues,
each through the same teacher the chat uses."""

from __future__ import annotations

from collections import Counter

from tutor.evaluation.suites import SuiteRun
from tutor.teaching.acts import settle
from tutor.teaching.guide import leaks
from tutor.teaching.items import is_duplicate, problems
from tutor.teaching.session import Session

DECLINE_OPENINGS = ("Je ne trouve pas la réponse", "I can't find the answer")


def acts(teacher, cases: list[dict]) -> tuple[dict, list[dict]]:
    classifier = teacher.acts()
    rows = []
    for case in cases:
        got = settle(classifier.classify(case["text"], pending=bool(case.get("pending"))).name, case["text"],
                     about_course=teacher.about_course)  # what the chat does with the message
        rows.append({"id": case["id"], "text": case["text"], "pending": bool(case.get("pending")), "act": case["act"],
                     "predicted": got, "ok": got == case["act"],
                     "routed_away": case["act"] == "question" and case.get("in_course", True)
                     and got not in ("question", "statement")})
    accuracy = sum(r["ok"] for r in rows) / len(rows)
    return {"act_accuracy": round(accuracy, 4), "in_course_routed_away": sum(r["routed_away"] for r in rows)}, rows


def grading(teacher, cases: list[dict]) -> tuple[dict, list[dict]]:
    rows = []
    for case in cases:
        grade = teacher.grader.grade(case["question"], case["expected"], case["answer"], case.get("evidence", ""))
        rows.append({"id": case["id"], "kind": case["kind"], "label": case["label"], "verdict": grade.verdict,
                     "reason": grade.reason, "answer": case["answer"], "expected": case["expected"],
                     "ok": grade.verdict == case["label"]})
    wrong_correct = sum(r["verdict"] == "correct" and r["label"] == "incorrect" for r in rows)
    return {"grading_accuracy": round(sum(r["ok"] for r in rows) / len(rows), 4),
            "wrong_graded_correct": wrong_correct}, rows


def quizzes(teacher, language: str = "fr") -> tuple[dict, dict]:
    """A quiz and a check question for every lesson: every item shown is valid and none repeats."""
    maker = teacher.quiz_maker()
    lessons = [lesson["id"] for lesson in teacher.tutor.reader.lessons()]
    shown, invalid, duplicates = 0, 0, 0
    for lesson in lessons:
        quiz = maker.quiz([lesson], language, recent=set())
        for i, item in enumerate(quiz.items):
            shown += 1
            invalid += bool(problems(item))
            duplicates += is_duplicate(item, quiz.items[:i], set())
        check = maker.check_question(maker.lesson_chunks(lesson), language, recent=set())
        if check is not None:
            shown += 1
            invalid += bool(problems(check))
    metrics = {"quiz_items_shown": shown, "quiz_items_invalid": invalid, "quiz_duplicates": duplicates,
               "quiz_items_rejected": maker.rejections.total}
    return metrics, {"rejected_by_reason": dict(maker.rejections.counts)}


def guided(teacher, answer_cases: list[dict]) -> tuple[dict, list[dict]]:
    """The first guided reply to every in-course question never contains the expected answer."""
    rows = []
    for case in answer_cases:
        if case["expect"] != "answer" or case.get("history"):
            continue
        session = Session(guided=True)
        result = teacher.ask(case["question"], session)
        expected = session.pending.expected if session.pending else ""
        rows.append({"id": case["id"], "question": case["question"], "reply": result.answer,
                     "leak": bool(expected) and leaks(result.answer, case["question"], expected),
                     "asked": session.pending is not None})
    return {"guided_leaks": sum(r["leak"] for r in rows), "guided_cases": len(rows)}, rows


def social(teacher, cases: list[dict]) -> tuple[dict, list[dict]]:
    """Greetings, thanks and requests for help get a friendly reply, never the decline text."""
    rows = []
    for case in cases:
        if case["act"] not in ("greeting", "thanks", "help") or case.get("pending"):
            continue
        result = teacher.ask(case["text"], Session())
        declined = result.refused or result.answer.startswith(DECLINE_OPENINGS)
        rows.append({"id": case["id"], "text": case["text"], "act": result.act, "declined": declined,
                     "reply": result.answer[:200]})
    return {"social_declined": sum(r["declined"] for r in rows), "social_cases": len(rows)}, rows


def dialogues(teacher, scripts: list[dict]) -> tuple[dict, list[dict]]:
    """Scripted conversations: each learner turn expects an act, and optionally a grade or a question asked."""
    rows = []
    for script in scripts:
        session = Session(guided=script.get("guided", False))
        for n, turn in enumerate(script["turns"], 1):
            message = turn["learner"]
            if message == "<right option>" and session.pending is not None:
                message = "ABCD"[session.pending.answer_index]
            result = teacher.ask(message, session)
            expect = turn.get("expect", {})
            checks = {"act": result.act == expect["act"] if "act" in expect else True,
                      "verdict": (result.grade or {}).get("verdict") == expect["verdict"] if "verdict" in expect
                      else True,
                      "asks": (session.pending is not None) == expect["asks"] if "asks" in expect else True,
                      "not_declined": not result.refused if expect.get("not_declined") else True}
            rows.append({"id": f"{script['id']}/{n}", "learner": message, "act": result.act,
                         "verdict": (result.grade or {}).get("verdict"), "ok": all(checks.values()),
                         "failed": [k for k, v in checks.items() if not v], "reply": result.answer[:200]})
    return {"dialogue_turns_ok": round(sum(r["ok"] for r in rows) / max(len(rows), 1), 4)}, rows


def tutoring(teacher, acts_cases, grading_cases, answer_cases, scripts) -> SuiteRun:
    metrics, rows, details = {}, [], {}
    for name, (figures, part) in {
            "acts": acts(teacher, acts_cases), "grading": grading(teacher, grading_cases),
            "guided": guided(teacher, answer_cases), "social": social(teacher, acts_cases),
            "dialogues": dialogues(teacher, scripts)}.items():
        metrics.update(figures)
        rows += [dict(row, part=name) for row in part]
    figures, details["quiz"] = quizzes(teacher)
    metrics.update(figures)
    details["act_confusions"] = Counter(f"{r['act']}->{r['predicted']}" for r in rows
                                        if r.get("part") == "acts" and not r["ok"]).most_common(10)
    return SuiteRun(metrics, rows, details=details)
