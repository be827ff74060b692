import pytest

from tutor.engine.draft import says_nothing, strip_echo
from tutor.engine.tutor import Tutor

QUESTION = "Pourquoi un même modèle de base peut-il servir à des tâches très différentes ?"


def test_a_repeated_question_is_removed_from_the_answer():
    assert strip_echo(QUESTION, f"{QUESTION} Parce qu'il est polyvalent [3].") == "Parce qu'il est polyvalent [3]."
    assert strip_echo(QUESTION, f"**Question :** {QUESTION}\nIl est polyvalent [1].") == "Il est polyvalent [1]."
    assert strip_echo(QUESTION, QUESTION) == ""


def test_other_questions_in_an_answer_stay():
    # A different question (a rhetorical one, or one on a narrower subject) is the model's own text.
    assert strip_echo("Qu'est-ce qu'un prompt ?", "Qu'est-ce qu'un bon prompt ? C'est un prompt clair [1].") \
        .startswith("Qu'est-ce qu'un bon prompt ?")
    assert strip_echo("Qu'est-ce qu'un prompt ?", "Un prompt est une demande [1]. Pourquoi ?") \
        == "Un prompt est une demande [1]. Pourquoi ?"


def test_an_answer_that_only_repeats_the_question_is_not_shown(semantic):
    # (the model then reads the course's closest sentences as not answering it: the decline stands)
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": [QUESTION], "fake_verdicts": [0.0]})
    result = Tutor(semantic.model_copy(update={"llm": llm})).ask(QUESTION)
    assert result.refused and result.answer != QUESTION


def test_when_nothing_the_model_wrote_holds_a_question_on_what_the_course_never_mentions_is_declined(semantic):
    def ask(question, verdicts=(0.0, 0.9)):  # the support check's reading of the draft, then whether the repair answers
        llm = semantic.llm.model_copy(update={"provider": "fake", "fake_verdicts": list(verdicts), "fake_responses": [
            "Stable Diffusion est un modèle utilisé pour la génération de texte [1]."]})
        tutor = Tutor(semantic.model_copy(update={"llm": llm}))
        return tutor.ask(question), tutor.llm.model.readings

    # The model's sentence is read as not stated by the lesson: its own words are replaced by the lesson's...
    about, readings = ask("Stable Diffusion est utilisé pour quoi ?")
    assert not about.refused and about.repaired_sentences and "images" in about.answer
    # ...which the model then read as answering the question, as it reads the course's sentences before quoting them.
    assert "Stable Diffusion est utilisé pour quoi ?" in readings[1][-1].content and "images" in readings[1][-1].content
    # ...which say nothing of who made it: "inventé" is a word the course never uses.
    who, _ = ask("Qui a inventé Stable Diffusion ?", (0.0,))
    assert who.refused and who.refusal_reason == "unsupported"
    # An English question's words are never in the French course's vocabulary: that is no reason to decline.
    english, _ = ask("Which model does the course use to make pictures with Stable Diffusion?")
    assert not english.refused and english.repaired_sentences


def test_a_draft_repaired_into_sentences_that_do_not_answer_the_question_gives_way_to_the_closest_ones(semantic):
    # The draft's one claim is repaired into the course's sentence it was closest to, which says what LLMs are trained
    # on, not what they are. Read as not answering (as quotes are), it is not shown: the sentences closest to the
    # question are read in turn, and quoted when they answer.
    def ask(verdicts):  # the repair's reading, the closest sentences' (the changed number is found by code)
        llm = semantic.llm.model_copy(update={"provider": "fake", "fake_verdicts": verdicts, "fake_responses": [
            "Un LLM est un modèle formé sur des milliers de mots [1]."]})
        tutor = Tutor(semantic.model_copy(update={"llm": llm}))
        return tutor.ask("Qu'est-ce qu'un LLM ?"), tutor.llm.model.readings

    result, readings = ask([0.0, 0.9])
    assert len(readings) == 2 and "milliers de milliards" in readings[0][-1].content
    assert not result.refused and result.answer.startswith("Voici ce que dit le cours") and result.quote_reading == 0.9
    assert "sous-ensemble des modèles de base" in result.answer
    declined, readings = ask([0.0])  # nothing read as answering: the decline stands
    assert declined.refused and declined.refusal_reason == "unsupported" and not declined.citations and len(readings) == 2


def test_a_model_that_stops_before_its_first_word_gets_a_decline_not_an_error(semantic):
    # LangChain raises "No generation chunks were returned" when a stream yields nothing (the local model
    # does this when a stop sequence comes first): the learner gets the decline, not "the model is down".
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": [""], "fake_verdicts": [0.0]})
    result = Tutor(semantic.model_copy(update={"llm": llm})).ask("Qu'est-ce qu'un prompt ?")
    assert result.refused and result.refusal_reason == "unsupported"


CHATBOT = "Un chatbot, c'est une tâche qu'un modèle de base sait faire ?"


@pytest.mark.parametrize("question, answer, empty", [
    ("Quel exemple de prompt le cours donne-t-il ?", "Le cours donne un exemple de prompt dans l'extrait [1].", True),
    ("Donne un exemple de données étiquetées.", "Exemples de données étiquetées [2]", True),
    (CHATBOT, "Un chatbot, c'est une tâche qu'un modèle de base sait faire.", True),
    (CHATBOT, "Oui [1].", False),  # a verdict says something
    ("La réponse du modèle, c'est l'instruction ou l'inférence ?", "L'inférence [1].", False),  # a choice says something
    ("Qu'est-ce qu'un prompt ?", "Une demande textuelle donnée à un modèle de base [1].", False),
    ("Quelle version de Stable Diffusion est utilisée dans la démo SageMaker ?", "Stable Diffusion [2]", True),
    ("Qui a créé Amazon Titan ?", "Amazon [1].", True),  # its subject, not the fact asked for
])
def test_an_answer_that_only_restates_the_question_says_nothing(question, answer, empty):
    assert says_nothing(question, answer) is empty


def test_a_draft_that_only_restates_the_question_gives_way_to_the_course(semantic):
    question = "Quel exemple de prompt le cours donne-t-il ?"
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": [
        "Le cours donne un exemple de prompt dans l'extrait [1]."], "fake_verdicts": [1.0]})
    result = Tutor(semantic.model_copy(update={"llm": llm})).ask(question)
    assert not result.refused and "dans l'extrait" not in result.answer and result.quote_reading == 1.0
