"""The teacher routes each message by its act: friendly replies, check questions and quizzes, grading,
hints, statements checked against the lesson, guided mode. Fake model and embeddings chosen by settings."""

import pytest

from tutor.engine.events import Done, Found, Token
from tutor.engine.tutor import Tutor
from tutor.teaching.guide import leaks
from tutor.teaching.session import Session
from tutor.teaching.turn import Teacher


def teacher(settings, replies=("ok",), verdicts=(1.0,)):
    llm = settings.llm.model_copy(update={"provider": "fake", "fake_responses": list(replies),
                                          "fake_verdicts": list(verdicts)})
    return Teacher(Tutor(settings.model_copy(update={"llm": llm})))


@pytest.mark.parametrize("message, act", [("Bonjour !", "greeting"), ("Merci beaucoup !", "thanks"),
                                          ("tu sais faire quoi ?", "help"), ("Hello there!", "greeting"),
                                          # slang, and thanks that name what the course was about
                                          ("c quoi les commandes du tuteur", "help"), ("dis moi les commandes", "help"),
                                          ("Merci infiniment pour tes réponses sur les modèles de base, ça m'a aidé "
                                           "pour mon partiel.", "thanks")])
def test_social_messages_get_a_friendly_reply_with_course_suggestions_never_the_decline(semantic, message, act):
    t = teacher(semantic)
    result = t.ask(message, Session())
    assert result.act == act and not result.refused
    assert "Je ne trouve pas" not in result.answer and "can't find" not in result.answer
    assert len(result.suggestions) >= 2 and t.tutor.llm.model.calls == []
    if act == "greeting":
        assert ("Bonjour" in result.answer) if message.startswith("Bonjour") else ("Hello" in result.answer)


def test_a_question_about_the_course_is_answered_even_when_it_reads_like_a_request_for_help(semantic):
    t = teacher(semantic, replies=["Pour améliorer un prompt, clarifiez la demande et fournissez des exemples [1]."])
    assert t.acts().classify("Comment puis-je optimiser mes prompts ?").name == "help"  # what the words alone say
    result = t.ask("Comment puis-je optimiser mes prompts ?", Session())
    assert result.act == "question" and result.citations and len(t.tutor.llm.model.calls) >= 1


def test_a_check_question_then_a_wrong_answer_is_graded_incorrect_with_the_answer_and_its_source(semantic):
    t, session = teacher(semantic, verdicts=[0.0]), Session()
    asked = t.ask("Pose-moi une question sur les techniques pour améliorer un prompt", session)
    assert asked.act == "quiz" and asked.item and session.pending is not None
    assert asked.item["lesson_id"] == "ingenierie-de-prompt" and asked.item["kind"] == "short"
    graded = t.ask("il faut écrire en majuscules", session)
    assert graded.act == "answer" and graded.grade["verdict"] == "incorrect"
    assert asked.item["expected"] in graded.answer and graded.citations[0].lesson == "ingenierie-de-prompt"
    assert session.pending is None and asked.item["id"] in session.recent_items


def test_a_quiz_of_three_choices_is_graded_by_letter_and_ends_with_the_score(semantic):
    t, session = teacher(semantic), Session()
    start = t.ask("Fais-moi un quiz sur les quatre parties d'un prompt", session)
    assert start.act == "quiz" and start.quiz == {"position": 0, "total": 3, "grades": []}
    grades = []
    for _ in range(3):
        item = session.pending
        right = "ABCD"[item.answer_index]
        wrong = "ABCD"[(item.answer_index + 1) % len(item.options)]
        result = t.ask(right if len(grades) != 1 else wrong, session)
        grades.append(result.grade["verdict"])
    assert grades == ["correct", "incorrect", "correct"]
    assert "2/3" in result.answer and session.quiz is None and session.pending is None


def test_hints_then_the_answer_when_asked(semantic):
    t, session = teacher(semantic), Session()
    t.ask("Pose-moi une question sur les techniques pour améliorer un prompt", session)
    item = session.pending
    first = t.ask("un indice ?", session)
    assert first.act == "hint" and item.lesson_title in first.answer
    second = t.ask("je sais pas", session)
    assert second.act == "hint" and "commence par" in second.answer
    revealed = t.ask("donne-moi la réponse", session)
    assert revealed.act == "reveal" and item.expected in revealed.answer
    assert revealed.grade["verdict"] == "revealed" and session.pending is None


def test_an_english_learners_statement_is_answered_with_the_courses_words_in_english(semantic):
    quote = "Large language models (LLMs) are a subset of foundation models, specialised in natural language processing."
    claim = "I think LLMs are a subset of foundation models, right?"
    result = teacher(semantic, replies=[quote], verdicts=[1.0]).ask(claim, Session())
    assert result.act == "statement" and result.grade["verdict"] == "correct", result.answer
    assert f"> {quote}" in result.answer and "sous-ensemble" not in result.answer
    assert "sous-ensemble des modèles de base" in result.citations[0].text  # the source shows the course as it is
    kept = teacher(semantic, replies=["LLMs are a small part of the Amazon catalogue."], verdicts=[1.0]).ask(claim, Session())
    assert "> Les grands modèles de langage" in kept.answer and "catalogue" not in kept.answer  # none held


def test_a_wrong_statement_is_never_confirmed(semantic):
    t = teacher(semantic, verdicts=[1.0])
    events = list(t.stream("Je pense qu'un prompt a trois parties : les instructions, le contexte et la sortie.", Session()))
    assert isinstance(events[0], Found) and isinstance(events[-1], Done)
    result = events[-1].result
    assert result.act == "statement" and result.grade["verdict"] == "incorrect"  # "trois" vs "quatre parties"
    assert "Non, ce n'est pas ce que dit le cours" in result.answer and result.citations
    assert 1 <= result.citations[0].n <= len(result.retrieved)  # the cited extract is among those shown
    right = t.ask("Je pense qu'un prompt contient des instructions, c'est bien ça ?", Session())
    assert right.act == "statement" and right.grade["verdict"] == "correct"
    # Not a copy of the course and read "no" by the model: never confirmed.
    doubtful = teacher(semantic, verdicts=[0.0]).ask("Je crois que les modèles de base sont un sous-ensemble des LLM.",
                                                     Session())
    assert doubtful.grade is None or doubtful.grade["verdict"] != "correct"
    # Said as the course says it: confirmed, whatever the model reads.
    copied = teacher(semantic, verdicts=[0.0]).ask("Je crois que les LLM sont un sous-ensemble des modèles de base.",
                                                   Session())
    assert copied.grade["verdict"] == "correct"


def test_guided_mode_asks_first_then_grades_then_answers_in_full(semantic):
    t = teacher(semantic, replies=["Les LLM sont formés sur des milliers de milliards de mots [1]."], verdicts=[0.0])
    session = Session(guided=True)
    opening = t.ask("Sur combien de mots les LLM sont-ils formés ?", session)
    assert opening.act == "question" and session.pending is not None and session.pending_kind == "guided"
    assert "milliards" not in opening.answer and not leaks(opening.answer, opening.question, session.pending.expected)
    events = list(t.stream("sur des milliers de mots", session))
    final = events[-1].result
    assert any(isinstance(e, Token) for e in events)  # the full answer streams after the grade
    assert final.grade["verdict"] == "incorrect" and final.grade["reason"] == "quantity"
    assert "milliers de milliards" in final.answer and session.pending is None


def test_explaining_again_answers_the_last_question_with_a_simpler_instruction(semantic):
    t, session = teacher(semantic, replies=["Un prompt est une demande textuelle donnée à un modèle de base [1]."]), \
        Session()
    t.ask("Qu'est-ce qu'un prompt ?", session)
    again = t.ask("plus simple stp", session)
    assert again.act == "rephrase" and again.question == "Qu'est-ce qu'un prompt ?"
    assert "plus simplement" in t.tutor.llm.model.calls[-1][-1].content


def test_a_bare_request_for_another_right_after_an_answer_continues_it_and_a_named_quiz_is_still_a_quiz(semantic):
    t, session = teacher(semantic, replies=["Amazon Titan est un exemple de modèle de base [1].",
                                            "Stable Diffusion est un autre exemple [1]."]), Session()
    assert t.ask("Donne un exemple de modèle de base.", session).act == "question"
    assert t.acts().classify("Une autre !").name == "quiz"  # what the words alone say
    again = t.ask("Une autre !", session)
    assert again.act == "question" and session.pending is None
    assert t.ask("Pose-moi une question", session).act == "quiz" and session.pending is not None


@pytest.mark.parametrize("message", [
    "Un modèle de base a besoin de données étiquetées, c'est ça ?",
    "Est-il vrai que les modèles de base ont besoin de données bien étiquetées pour chaque nouvelle tâche ?",
])
def test_the_labelled_data_misconception_is_not_confirmed_by_a_model_reading_yes(semantic, message):
    # The model reads "yes" against everything: the traditional models' section (labelled data) would confirm
    # it; the foundation models' section says the opposite by a rule, and a rule outranks a reading.
    result = teacher(semantic, verdicts=[1.0]).ask(message, Session())
    assert result.act == "statement" and result.grade["verdict"] == "incorrect", result.answer
    assert "Non, ce n'est pas ce que dit le cours" in result.answer and "non étiquetées" in result.answer
    # Said of traditional models, it is right: that rule's "no" is about another subject.
    right = teacher(semantic, verdicts=[1.0]).ask("Les modèles traditionnels ont besoin de données bien étiquetées, non ?",
                                                 Session())
    assert right.act == "statement" and right.grade["verdict"] == "correct", right.answer


def test_a_statement_is_checked_against_the_lesson_that_names_its_subject(semantic):
    # Searched without "si j'ai bien compris", and checked against the extract that names what it names: a
    # lesson that never names Stable Diffusion is silent about it, not a contradiction.
    right = teacher(semantic, verdicts=[1.0]).ask("Si j'ai bien compris, Stable Diffusion sert à générer des images ?", Session())
    assert right.act == "statement" and right.grade["verdict"] == "correct"
    assert "Stable Diffusion" in right.answer
    wrong = teacher(semantic, verdicts=[1.0]).ask("On m'a dit qu'Amazon Titan sert à générer des images, c'est juste ?",
                                                  Session())
    assert wrong.grade["verdict"] == "incorrect" and "Amazon Titan : conçu pour traiter le langage naturel" in wrong.answer
    # ...and where the claim belongs: the sentence that says it, of another model, quoted too.
    assert "\n> Stable Diffusion : utilisé pour la génération d'images" in wrong.answer


def test_a_yes_no_question_gets_its_yes_or_no_from_the_lesson_by_code(semantic):
    # The claim the question puts ("Un modèle de base a besoin de données étiquetées") is contradicted by a
    # rule (the lesson says "non étiquetées"): "Non", with the course's words and source, whatever the model
    # would have written ("Oui…") and however it reads the claim.
    t = teacher(semantic, replies=["Oui, il en a besoin [1]."], verdicts=[1.0])
    no = t.ask("Un modèle de base a-t-il besoin de données étiquetées ?", Session())
    assert no.act == "question" and no.answer.startswith("**Non.**") and "non étiquetées" in no.answer, no.answer
    assert no.citations and no.grade is None and t.tutor.llm.model.calls == []  # a question, not a graded answer
    yes = t.ask("Un seul modèle de base peut-il accomplir plusieurs tâches ?", Session())  # the course's own words
    assert yes.answer.startswith("**Oui.**") and "Polyvalence" in yes.answer, yes.answer
    # Said of another name: "Non", the sentence that says it of Amazon Titan once, and what the course says of
    # Stable Diffusion.
    swapped = t.ask("Stable Diffusion sert-il à traiter le langage naturel ?", Session()).answer
    assert swapped.startswith("**Non.**") and swapped.count("conçu pour traiter le langage naturel") == 1, swapped
    assert "génération d'images" in swapped
    # The model reading "yes" to a paraphrase, or "no", is no verdict of code: the engine answers, as for any
    # question (the model once read a lesson's introduction as confirming a claim it does not make).
    assert not t.ask("Les modèles traditionnels ont-ils besoin de données bien étiquetées ?", Session()).answer.startswith("**")
    doubt = teacher(semantic, replies=["Un modèle de base peut générer du texte [1]."], verdicts=[0.0])
    answered = doubt.ask("Un modèle de base peut-il générer du texte ?", Session())
    assert not answered.answer.startswith("**Non.**") and len(doubt.tutor.llm.model.calls) >= 1
    # A pronoun for a subject ("Peut-il… ?" after another turn), or a technique the learner chose: the engine.
    follow = teacher(semantic, replies=["Oui [1]."], verdicts=[1.0])
    assert not follow.ask("Peut-il générer du texte ?", Session()).answer.startswith("**")


def test_the_claim_a_closed_question_puts():
    from tutor.teaching.verdicts import yes_no_claim
    assert yes_no_claim("Un modèle de base peut-il générer du code ?") == "Un modèle de base peut générer du code"
    assert yes_no_claim("Un modèle de base a-t-il besoin d'un entraînement spécifique ?") == \
        "Un modèle de base a besoin d'un entraînement spécifique"
    assert yes_no_claim("Faut-il un nouveau modèle pour chaque tâche ?") == "il faut un nouveau modèle pour chaque tâche"
    assert yes_no_claim("Est-ce que les LLM sont des modèles de base ?") == "les LLM sont des modèles de base"
    assert yes_no_claim("Can a foundation model generate code?") == "a foundation model generate code"
    for open_question in ("Quel modèle génère des images ?", "Peux-tu m'expliquer les prompts ?", "Can you explain prompts?",
                          "Est-ce un modèle de base ou un LLM ?", "Peut-il générer du code ?", "Is it free?",
                          "Qu'est-ce qu'un prompt ?", "Un modèle de base génère du code."):
        assert yes_no_claim(open_question) is None, open_question
