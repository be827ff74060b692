"""What the tutor says when it asks, grades, hints and reveals: French first, English for English speakers."""

from __future__ import annotations

from tutor.i18n import Text
from tutor.teaching.grading import Grade
from tutor.teaching.items import Item

LETTERS = "ABCD"
CHECK = Text("Voici une question pour vérifier ce que vous avez compris :", "Here is a question to check your understanding:")
QUIZ_START = Text("Quiz de {n} questions sur « {lesson} ». Cliquez sur votre réponse (ou tapez sa lettre).",
                  "A {n}-question quiz on “{lesson}”. Click your answer (or type its letter).")
QUIZ_ITEM = Text("**Question {i}/{n}.** {question}", "**Question {i}/{n}.** {question}")
NO_ITEM = Text("Je n'ai pas trouvé de question à vous poser sur ce sujet dans le cours. Essayez `/quiz` pour un quiz "
               "sur l'ensemble du cours.", "I found no question to ask you on that topic in the course. Try `/quiz` "
               "for a quiz on the whole course.")
ANSWER_HOW = Text("Répondez avec vos mots ; vous pouvez demander un indice, ou la réponse.",
                  "Answer in your own words; you can ask for a hint, or for the answer.")
VERDICTS = {
    "correct": Text("✅ **Correct.**", "✅ **Correct.**"),
    "partial": Text("🟡 **En partie correct.**", "🟡 **Partly correct.**"),
    "incorrect": Text("❌ **Incorrect.**", "❌ **Incorrect.**"),
}
REASONS = {
    "dont_know": Text("Pas de souci, c'est en se trompant qu'on apprend.", "No problem: mistakes are how we learn."),
    "polarity": Text("Votre réponse dit le contraire de ce que dit le cours.", "Your answer says the opposite of the course."),
    "quantity": Text("Le nombre ou la quantité ne correspond pas à celui du cours.",
                     "The number or amount is not the course's."),
    "binding": Text("Les notions sont associées à l'envers.", "The notions are paired the wrong way round."),
    "coverage": Text("", ""),
    "model": Text("", ""),
    "choice": Text("", ""),
    "mixed": Text("Une partie de votre réponse est juste, une autre ne l'est pas.",
                  "Part of your answer is right, another part is not."),
}
WRONG_CLAIM = Text("Ce point ne correspond pas au cours : « {claim} ».", "This point does not match the course: “{claim}”.")
MISSING = Text("Il manque une partie de la réponse.", "Part of the answer is missing.")
EXPECTED = Text("La réponse attendue : {expected}", "The expected answer: {expected}")
SOURCE = Text("Source : {lesson} › {section}", "Source: {lesson} › {section}")
HINTS = [
    Text("Indice : la réponse se trouve dans la leçon « {lesson} », partie « {section} ».",
         "Hint: the answer is in the lesson “{lesson}”, part “{section}”."),
    Text("Indice : la réponse commence par « {start} … »", "Hint: the answer starts with “{start} …”"),
]
NO_MORE_HINTS = Text("Je n'ai plus d'indice : voici la réponse.", "I have no more hints: here is the answer.")
REVEAL = Text("Voici la réponse : {expected}", "Here is the answer: {expected}")
QUIZ_DONE = Text("Quiz terminé : {score}/{n}. {advice}", "Quiz over: {score}/{n}. {advice}")
QUIZ_ADVICE = {
    True: Text("Bravo ! `/progres` montre où vous en êtes.", "Well done! `/progres` shows where you stand."),
    False: Text("Relisez la leçon, puis retentez `/quiz` : `/progres` montre quoi revoir.",
                "Read the lesson again, then try `/quiz` again: `/progres` shows what to review."),
}
STATEMENT = {
    "correct": Text("✅ **Oui, c'est juste**, le cours le dit :", "✅ **Yes, that's right**, the course says so:"),
    "partial": Text("🟡 **En partie** : le cours dit plus précisément :", "🟡 **Partly**: the course says, more precisely:"),
    "incorrect": Text("❌ **Non, ce n'est pas ce que dit le cours.** Il dit :",
                      "❌ **No, that's not what the course says.** It says:"),
    "unknown": Text("🤔 **Le cours ne dit pas cela**, je ne peux donc pas le confirmer. Voici ce qu'il dit de plus proche :",
                    "🤔 **The course doesn't say that**, so I can't confirm it. Here is the closest it says:"),
}
YES_NO = {  # a yes/no question whose claim the lesson settles (tutor.teaching.verdicts)
    "correct": Text("**Oui.** Le cours le dit :", "**Yes.** The course says so:"),
    "incorrect": Text("**Non.** Le cours dit :", "**No.** The course says:"),
}
GUIDE_OPEN = Text("Cherchons ensemble avant que je réponde. {question}\n\nQu'en pensez-vous ? Répondez avec vos mots, "
                  "ou demandez un indice.", "Let's work it out together before I answer. {question}\n\nWhat do you "
                  "think? Answer in your own words, or ask for a hint.")
GUIDE_THEN = Text("Voici la réponse complète :", "Here is the full answer:")
GUIDED_ON = Text("Mode guidé activé : pour chaque question, je vous mets sur la piste avec une question et des indices "
                 "avant de donner la réponse. `/guide off` pour revenir aux réponses directes.",
                 "Guided mode on: for each question I'll put you on the track with a question and hints before giving "
                 "the answer. `/guide off` to get direct answers again.")
GUIDED_OFF = Text("Mode guidé désactivé : je réponds directement.", "Guided mode off: I answer directly.")


def item_text(item: Item, language: str, header: str = "") -> str:
    """An item as the learner sees it: the question, the lettered options of a multiple choice."""
    lines = [header] if header else []
    lines.append(item.question)
    if item.kind == "mcq":
        lines += [f"- **{LETTERS[i]}.** {option}" for i, option in enumerate(item.options)]
    else:
        lines.append(f"_{ANSWER_HOW.get(language)}_")
    return "\n".join(lines)


def graded_text(grade: Grade, item: Item, language: str) -> str:
    """The verdict, why, and the right answer with its source when the learner did not get it all."""
    lines = [VERDICTS[grade.verdict].get(language)]
    reason = REASONS.get(grade.reason, Text("", "")).get(language)
    if grade.verdict == "partial" and not reason:
        reason = MISSING.get(language)
    if reason:
        lines[0] += " " + reason
    if grade.wrong:
        lines.append(WRONG_CLAIM.get(language, claim=grade.wrong))
    if grade.verdict != "correct" or item.kind == "list":
        lines.append(EXPECTED.get(language, expected=item.expected))
    lines.append(f"_{SOURCE.get(language, lesson=item.lesson_title, section=item.section)}_")
    return "\n\n".join(lines)


def hint_text(item: Item, level: int, language: str) -> str | None:
    """The `level`-th hint (0, 1...), or None when there is none left."""
    if level >= len(HINTS):
        return None
    words = item.expected.split()
    start = " ".join(words[: max(1, min(3, len(words) // 3))])
    return HINTS[level].get(language, lesson=item.lesson_title, section=item.section, start=start)
