"""What the tutor says when no course fact is asked: greetings, thanks, help, and what to study next. Short,
friendly, in the learner's language, with two or three suggestions taken from the course (never the
decline text)."""

from __future__ import annotations

from tutor.i18n import Text
from tutor.teaching.progress import Progress

GREETING = Text("Bonjour ! Je suis le tuteur du cours « Comment fonctionne l'IA générative ».",
                "Hello! I'm the tutor of the course “Comment fonctionne l'IA générative”.")
THANKS = Text("Avec plaisir ! Revenez quand vous voulez : je garde votre progression.",
              "You're welcome! Come back any time: I keep your progress.")
CAN_DO = Text(
    "Je peux répondre à vos questions sur le cours (avec mes sources), vous interroger (`/quiz`), vérifier une "
    "affirmation (« je pense que… »), vous guider pas à pas avec des indices (`/guide`), vous dire quoi réviser "
    "(`/progres`) et vous montrer comment je construis mes prompts (« Anatomie du prompt », `/technique`).",
    "I can answer your questions about the course (with my sources), quiz you (`/quiz`), check a statement (“I "
    "think that…”), guide you step by step with hints (`/guide`), tell you what to review (`/progres`) and show "
    "you how I build my prompts (“Anatomy of the prompt”, `/technique`).")
TRY = Text("Par exemple :", "For example:")
ASK_ABOUT = Text("Explique-moi : {title}", "Explain: {title}")
QUIZ_ON = Text("Pose-moi une question sur « {title} »", "Ask me a question about “{title}”")
REVIEW = Text("C'est le moment de réviser « {title} » : votre dernière réponse sur cette leçon date un peu, et une "
              "révision maintenant vous aidera à la retenir.",
              "Time to review “{title}”: it has been a while since your last answer on it, and reviewing now will "
              "help you remember it.")
NEXT = Text("Je vous propose « {title} » : c'est la première leçon du cours que vous ne maîtrisez pas encore "
            "({mastery} %).", "I suggest “{title}”: the first lesson of the course you haven't mastered yet "
            "({mastery}%).")
ALL_DONE = Text("Vous maîtrisez toutes les leçons du cours : bravo ! Un quiz de révision (`/quiz`) vous aidera à "
                "les garder en tête.", "You have mastered every lesson of the course: well done! A review quiz "
                "(`/quiz`) will help you keep them in mind.")
NO_COURSE = Text("Le cours n'est pas encore indexé : lancez `tutor ingest`.", "The course is not indexed yet: run "
                 "`tutor ingest`.")


def suggestions(progress: Progress, language: str, n: int = 3) -> list[str]:
    """Messages the learner could send next, from the lessons they master least (course order on ties)."""
    ranked = sorted(progress.lessons, key=lambda lesson: (progress.of(lesson["id"]).mastery, lesson.get("order", 0)))
    out = []
    for i, lesson in enumerate(ranked[:n]):
        title = lesson["title"]
        if i == 1:
            out.append(QUIZ_ON.get(language, title=title))
        elif title.rstrip().endswith("?"):
            out.append(title)
        else:
            out.append(ASK_ABOUT.get(language, title=title))
    return out


def social(act: str, progress: Progress, language: str) -> tuple[str, list[str]]:
    """The reply to a greeting, a thanks or a request for help, with suggestions."""
    if not progress.lessons:
        return NO_COURSE.get(language), []
    ideas = suggestions(progress, language)
    if act == "thanks":
        return THANKS.get(language), ideas[:2]
    opening = GREETING.get(language) + " " if act == "greeting" else ""
    return f"{opening}{CAN_DO.get(language)}\n\n{TRY.get(language)}", ideas


def next_step(progress: Progress, language: str) -> tuple[str, list[str]]:
    """What to study next: a due review first, else the first lesson not mastered; with what to send."""
    if not progress.lessons:
        return NO_COURSE.get(language), []
    advice = progress.recommend()
    if advice is None:
        return ALL_DONE.get(language), ["/quiz"]
    kind, lesson = advice
    if kind == "review":
        return REVIEW.get(language, title=lesson["title"]), [f"/quiz {lesson['id']}",
                                                             ASK_ABOUT.get(language, title=lesson["title"])]
    mastery = round(progress.of(lesson["id"]).mastery * 100)
    return NEXT.get(language, title=lesson["title"], mastery=mastery), [
        ASK_ABOUT.get(language, title=lesson["title"]), QUIZ_ON.get(language, title=lesson["title"])]
