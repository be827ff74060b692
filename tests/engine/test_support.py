"""The support check's rules, each on a claim that word overlap alone would accept (no model: llm=None)."""

import pytest

from tutor.engine.claims import names
from tutor.engine.support import SupportJudge

EXAMPLES = ("Exemples et LLM — Exemples de modèles de base\n"
            "Un modèle de base (FM) peut accomplir diverses tâches complexes. Le cours en donne deux exemples :\n"
            "- **Amazon Titan** : conçu pour traiter le **langage naturel** ;\n"
            "- **Stable Diffusion** : utilisé pour la **génération d'images**.")
TRAINING = ("Exemples et LLM — Les LLM\nLes LLM sont formés sur des milliers de milliards de mots. Ils ne sont "
            "pas formés pour une tâche unique.")


@pytest.mark.parametrize("claim, label, reason", [
    ("Amazon Titan est conçu pour traiter le langage naturel.", "supported", "ok"),
    ("Stable Diffusion est conçu pour traiter le langage naturel.", "contradicted", "name"),  # swapped subject
    ("Amazon Titan sert à la génération d'images.", "contradicted", "name"),
    ("Les LLM sont formés sur des milliers de mots.", "contradicted", "quantity"),  # a changed amount
    ("Les LLM sont formés pour une tâche unique.", "contradicted", "polarity"),
    ("Les LLM coûtent des millions d'euros à entraîner chaque année en Europe.", "unsupported", "coverage"),
    # a ranking or a price is a fact the extract must give, like an amount
    ("Amazon Titan est le plus utilisé des modèles conçus pour traiter le langage naturel.", "unsupported", "quantity"),
    ("Stable Diffusion, gratuit, est utilisé pour la génération d'images.", "unsupported", "quantity"),
    ("Amazon Titan is the best model designed to process natural language.", "unsupported", "quantity"),
])
def test_each_rule_sees_what_shared_words_hide(claim, label, reason):
    reference = EXAMPLES if "Titan" in claim or "Stable" in claim else TRAINING
    verdict = SupportJudge(llm=None).check(claim, reference)
    assert (verdict.label, verdict.reason) == (label, reason), verdict


def test_a_reference_that_never_names_the_claims_subject_is_silent_about_it_not_contradicting_it():
    demo = ("Application pratique — La démonstration\nDans cette démonstration, on utilise **Amazon SageMaker "
            "Studio** pour **générer des images** à partir de prompts textuels.")
    verdict = SupportJudge(llm=None).check("Stable Diffusion sert à générer des images.", demo)
    assert (verdict.label, verdict.reason) == ("unsupported", "name")  # neither confirmed nor contradicted
    # With the subject named, saying of it what the reference says of another is still a swap.
    assert SupportJudge(llm=None).check("Amazon SageMaker Studio sert à traiter le langage naturel.",
                                        EXAMPLES + "\n- **Amazon SageMaker Studio** : génère des images.").reason == "name"


def test_names_are_proper_names_not_sentence_openings_nor_acronyms():
    assert names("Stable Diffusion sert-il à traiter le langage naturel ?") == {"stable diffusion"}
    assert names("- **Amazon Titan** : conçu pour traiter le langage naturel") == {"amazon titan"}
    assert names("Les LLM sont formés. Claude aussi.") == set()
    assert names("Un exemple de prompt sur le Japon.") == {"japon"}


def test_an_amount_is_the_same_in_either_language_and_a_citation_marker_is_not_an_amount():
    judge = SupportJudge(llm=None)
    assert judge.check("LLMs are trained on trillions of words [1].", TRAINING, related=True).supported
    assert judge.check("LLMs are trained on thousands of billions of words.", TRAINING, related=True).supported
    assert judge.check("LLMs are trained on billions of words.", TRAINING, related=True).reason == "quantity"
    assert judge.check("Les LLM sont formés sur des milliers de milliards de mots [1].", TRAINING).supported


def test_the_model_reads_a_list_as_a_list_and_the_heading_is_never_the_evidence():
    from tutor.engine.support import premise

    read = premise("Amazon Titan et Stable Diffusion sont des exemples de modèles de base.", EXAMPLES)
    assert read.splitlines()[0].startswith("Exemples et LLM — ")
    assert "Amazon Titan" in read and "Stable Diffusion" in read
    assert read.index("Amazon Titan") < read.index("Stable Diffusion")  # in the extract's order
    verdict = SupportJudge(llm=None).check("Stable Diffusion traite le langage naturel.", EXAMPLES)
    assert verdict.evidence and " — " not in verdict.evidence


def test_a_scale_word_is_read_in_the_language_of_its_own_phrase():
    from tutor.engine.amounts import quantity_mismatch

    # An English expected answer followed by the French lesson's words reads as French as a whole.
    reference = "Trillions of words.\nmilliers de milliards de mots"
    assert quantity_mismatch("trillions of words", reference) is None
    assert quantity_mismatch("des billions de mots", "des milliers de milliards de mots") is None
    assert quantity_mismatch("a few thousand words", reference) == "changed"
    assert quantity_mismatch("des billions de mots", reference) is None  # the French billion is 10^12
    # a comparative ("un meilleur résultat") ranks nothing; a superlative does, the same one as the extract's is no change
    assert quantity_mismatch("pour obtenir un meilleur résultat", "pour un meilleur résultat") is None
    assert quantity_mismatch("la plus précise", "la méthode la plus précise") is None


def test_two_steps_the_other_way_round_contradict_the_extract_and_the_same_order_does_not():
    from tutor.engine.sequence import order_swapped

    reference = ("Illustration — Un modèle de base est d'abord préentraîné sur une grande quantité de données, puis ce "
                 "même modèle sert à plusieurs tâches en aval.")
    swapped = "Un modèle de base sert d'abord à plusieurs tâches en aval, puis il est préentraîné sur des données."
    assert SupportJudge().check(swapped, reference).label == "contradicted"
    assert SupportJudge().check(swapped, reference).reason == "order"
    assert not order_swapped("On préentraîne d'abord le modèle sur des données, ensuite il sert à des tâches en aval.",
                             reference)
    assert not order_swapped("Un modèle de base sert à plusieurs tâches en aval.", reference)  # no order given


def test_two_terms_exchanged_around_the_extracts_own_words_contradict_it():
    from tutor.engine.claims import roles_swapped
    reference = ("Exemples et LLM — Les LLM\nLes **grands modèles de langage** (en anglais *Large Language Models*, "
                 "**LLM**) sont un **sous-ensemble des modèles de base**, spécialisés dans le langage naturel.")
    swapped = SupportJudge(llm=None).check("Les modèles de base sont un sous-ensemble des LLM.", reference)
    assert (swapped.label, swapped.reason) == ("contradicted", "role")
    assert "sous-ensemble des modèles de base" in swapped.evidence  # repaired with the extract's sentence
    assert SupportJudge(llm=None).check("Les LLM sont un sous-ensemble des modèles de base.", reference).label == "supported"
    assert roles_swapped("Foundation models are a subset of LLMs.", "LLMs are a subset of foundation models.")
    # a passive turns the roles over; another verb, or the same order, swaps nothing
    assert not roles_swapped("Le texte est généré par le modèle.", "Le modèle génère le texte.")
    assert not roles_swapped("Un modèle reçoit une demande textuelle (prompt).",
                             "Un prompt est une demande textuelle donnée à un modèle.")
    assert not roles_swapped("Les LLM, un sous-ensemble des modèles de base.",
                             "Les LLM sont un sous-ensemble des modèles de base.")


def test_an_amount_the_extract_counts_said_as_a_lot_is_repaired_with_the_extracts_sentence():
    reference = ("Exemples et LLM — Les LLM\nLes **grands modèles de langage** (LLM) sont un sous-ensemble des "
                 "modèles de base. Ils sont formés sur des milliers de milliards de mots, ce qui leur permet de "
                 "comprendre et de générer du texte.")
    vague = SupportJudge(llm=None).check("Les LLM sont formés sur un très grand volume de texte.", reference)
    assert (vague.label, vague.reason) == ("contradicted", "quantity")
    assert "milliers de milliards" in vague.evidence  # the sentence that gives the amount, not the one saying "grands"
    # the reference's own size words ("les grands modèles de langage") are its wording, not a lost amount
    own = SupportJudge(llm=None).check("Les grands modèles de langage comprennent et génèrent du texte.", reference)
    assert own.label == "supported"


def test_a_translation_is_given_the_amounts_named_in_its_language():
    from tutor.engine.amounts import scale_names
    assert scale_names("des milliers de milliards de mots", "fr", "en") == "des trillions de mots"
    assert scale_names("des billions de mots", "fr", "en") == "des trillions de mots"  # the French billion
    assert scale_names("trained on trillions of words", "en", "fr") == "trained on milliers de milliards of words"
    assert scale_names("des milliers de milliards de mots", "fr", "fr") == "des milliers de milliards de mots"


COMPARED = ("Modèles traditionnels de machine learning et modèles de base — Les modèles de base\n"
            "- **Polyvalence** : un seul modèle de base peut accomplir **plusieurs tâches**.\n"
            "- **Efficacité** : il faut moins de ressources informatiques pour ajuster un modèle existant.")


@pytest.mark.parametrize("claim, label", [
    # what the section says of its side, said of the other side its lesson compares: no proper name to see
    ("Un modèle traditionnel de machine learning peut accomplir plusieurs tâches à lui seul.", "contradicted"),
    ("Un modèle de base peut accomplir plusieurs tâches.", "supported"),
    ("Contrairement au modèle traditionnel de machine learning, un modèle de base peut accomplir plusieurs tâches.",
     "supported"),  # the claim names the section's side too
])
def test_a_claim_about_the_other_side_of_a_lessons_comparison_contradicts_the_section(claim, label):
    verdict = SupportJudge(llm=None).check(claim, COMPARED)
    assert verdict.label == label, verdict
    if label == "contradicted":
        assert verdict.reason == "name" and "un seul modèle de base peut accomplir" in verdict.evidence


def test_a_comparison_put_the_other_way_round_says_the_same_thing():
    from tutor.engine.claims import polarity_conflict
    reference = ("Efficacité : il faut moins de ressources informatiques pour ajuster un modèle existant que pour "
                 "en entraîner un nouveau.")
    # the two things compared the other way round, and "plus" for "moins": the same fact
    assert not polarity_conflict("Entraîner un nouveau modèle demande plus de ressources informatiques qu'en "
                                 "ajuster un qui existe déjà.", reference)
    # the same order with the other sign, or the other order with the same sign: the reverse of the fact
    assert polarity_conflict("Il faut plus de ressources pour ajuster un modèle existant que pour en entraîner un "
                             "nouveau.", reference)
    assert polarity_conflict("Il faut moins de ressources informatiques pour entraîner un nouveau modèle que pour "
                             "ajuster un modèle existant.", reference)
    assert polarity_conflict("Ajuster un modèle existant demande plus de ressources.", reference)
    assert not polarity_conflict("Ajuster un modèle existant demande moins de ressources.", reference)
