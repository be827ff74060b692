"""Chat French written out before the engine reads a question (tutor.engine.spelling)."""

import pytest

from tutor.engine.spelling import written_out
from tutor.engine.tutor import Tutor


def make_tutor(settings, answer):
    return Tutor(settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "fake",
                                                                                   "fake_responses": [answer]})}))


@pytest.mark.parametrize("typed, read", [
    ("un prompt cé tjr du texte ?", "un prompt c'est toujours du texte ?"),
    ("kel est le titre du cours svp", "quel est le titre du cours s'il vous plaît"),
    ("ya cmb de parties ds un prompt", "il y a combien de parties dans un prompt"),
    ("C koi un LLM stp", "C'est quoi un LLM s'il te plaît"),
    ("FM sa veut dire koi ??", "FM ça veut dire quoi ??"),
    ("prompt engineering ca se dit komen", "prompt engineering ça se dit comment"),
    ("lia gen ca simplifie koi", "l'IA générative ça simplifie quoi"),
    ("pk on garderait les traditionnels alors ?", "pourquoi on garderait les traditionnels alors ?"),
    ("la derniere c a dire ?", "la derniere c'est-à-dire ?"),
])
def test_chat_forms_are_written_out(typed, read):
    assert written_out(typed) == read


@pytest.mark.parametrize("text", [
    "Quelle est sa réponse ?",  # "sa" before a noun is the possessive
    "Sa définition est-elle claire ?",
    "Qu'est-ce qu'un prompt ?",
    "Un modèle de base peut-il générer du code ?",
    "Le cours parle de la section C et du point A.",  # a capital letter that is a name, not "c'est"
])
def test_french_as_the_course_writes_it_is_left_alone(text):
    assert written_out(text) == text


def test_the_model_reads_the_question_written_out_and_the_result_keeps_the_learners_text(indexed):
    tutor = make_tutor(indexed, "Un prompt est une demande textuelle donnée à un modèle de base [1].")
    result = tutor.ask("un prompt cé koi ?")
    asked = tutor.llm.model.calls[-1][-1].content
    assert "Question : un prompt c'est quoi ?" in asked and "cé koi" not in asked
    assert result.question == "un prompt cé koi ?"
    english = make_tutor(indexed, "A prompt is a text request given to a foundation model [1].")
    english.ask("What is a prompt, ds?")  # English is not rewritten
    assert "What is a prompt, ds?" in english.llm.model.calls[-1][-1].content
