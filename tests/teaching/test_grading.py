"""Grading rules that shared words alone get wrong, and the model's veto on an answer that has the lesson's
words but says something else with them (a fake reading: no model runs)."""

import pytest

from tutor.teaching.grading import Grader


class Reading:
    """A chat provider whose only use here is its "yes" probability."""

    def __init__(self, yes: float):
        self.yes = yes

    def choose(self, messages, options):
        return {"yes": self.yes, "no": 1 - self.yes}


QUESTION = "Ajuster un modèle de base demande-t-il plus ou moins de ressources que d'en entraîner un nouveau ?"
EXPECTED = "Il faut moins de ressources informatiques pour ajuster un modèle de base existant."


def test_more_where_the_lesson_says_less_is_wrong_whatever_the_model_reads():
    grade = Grader(Reading(0.9)).grade(QUESTION, EXPECTED, "Ajuster un modèle de base existant demande plus de ressources.")
    assert (grade.verdict, grade.reason) == ("incorrect", "polarity")
    assert Grader().grade(QUESTION, EXPECTED, "moins de ressources informatiques pour ajuster le modèle").verdict == "correct"


@pytest.mark.parametrize("yes, verdict", [(0.9, "correct"), (0.2, "partial"), (0.05, "incorrect")])
def test_the_lessons_words_put_together_otherwise_are_vetoed_by_the_reading(yes, verdict):
    expected = "Les LLM sont un sous-ensemble des modèles de base."
    grade = Grader(Reading(yes)).grade("Quel lien entre LLM et modèles de base ?", expected,
                                       "Les modèles de base sont un sous-ensemble des LLM.")
    assert grade.verdict == verdict and grade.coverage == 1.0


def test_rather_than_is_a_denial_and_a_slip_is_still_the_word():
    expected = "Foundation models complement traditional models; they do not replace them."
    assert Grader().grade("", expected, "They complement traditional models rather than replace them.").verdict == "correct"
    assert Grader().grade("", expected, "They replace traditional models.").verdict == "incorrect"
    assert Grader().grade("Quelles données ?", "Des données bien étiquetées.", "des données bien étiquettées").verdict \
        == "correct"


def test_either_of_two_alternatives_answers_but_one_item_of_a_list_is_partial():
    either = "La classification d'images ou l'analyse de sentiments."
    assert Grader().grade("Pour quelle tâche ?", either, "l'analyse de sentiments").verdict == "correct"
    assert Grader().grade("Pour quelle tâche ?", either, "la génération de musique").verdict == "incorrect"
    listed = "Générer du texte, des images ou de la musique."
    assert Grader().grade("Que peut-il générer ?", listed, "de la musique").verdict == "partial"
