"""A learner's statement as the claim to check, and which lesson section's verdict on it counts."""

from types import SimpleNamespace

import pytest

from tutor.engine.support import Verdict
from tutor.teaching.statements import chosen, claim_of


@pytest.mark.parametrize("statement, claim", [
    ("Est-il vrai que les modèles de base ont besoin de données étiquetées ?",
     "les modèles de base ont besoin de données étiquetées"),
    ("Est-ce correct de dire que l'inférence, c'est la question posée au modèle ?",
     "l'inférence, c'est la question posée au modèle"),
    ("C'est vrai qu'un prompt a quatre parties ?", "un prompt a quatre parties"),
    ("Is it true that LLMs are trained on words?", "LLMs are trained on words"),
    ("Je pense que les LLM sont entraînés sur des milliers de mots, c'est ça ?",
     "les LLM sont entraînés sur des milliers de mots"),
])
def test_a_statement_loses_what_only_asks_for_confirmation(statement, claim):
    assert claim_of(statement) == claim


def section(title: str, text: str) -> SimpleNamespace:
    return SimpleNamespace(section=title, embed_text=f"Leçon — {title}\n{text}")


TRADITIONAL = section("Les modèles traditionnels de machine learning",
                      "Dépendance aux données étiquetées : pour entraîner ces modèles, il faut des données bien étiquetées.")
FOUNDATION = section("Les modèles de base", "Données non étiquetées : un modèle de base n'utilise qu'une fraction des données.")


def verdicts(claim_yes: Verdict, rule_no: Verdict):
    return [(claim_yes, TRADITIONAL), (rule_no, FOUNDATION)]


def test_a_rules_no_outranks_a_models_yes_when_its_sentence_says_as_much_of_the_claim():
    yes = Verdict("supported", "model", 0.8, "pour entraîner ces modèles, il faut des données bien étiquetées")
    no = Verdict("contradicted", "polarity", 0.0, "Données non étiquetées : un modèle de base n'utilise qu'une fraction")
    # The misconception: the foundation models' section says the opposite of the claim, about its subject.
    assert chosen("Un modèle de base a besoin de données étiquetées", verdicts(yes, no), set())[0] is no
    # The right statement about traditional models: that section says more of it; the rule's "no" is about
    # another subject.
    assert chosen("Pour entraîner un modèle traditionnel, il faut des données étiquetées", verdicts(yes, no), set())[0] is yes
    # A near-copy confirms whatever a rule says elsewhere; a model's "no" never outranks a "yes".
    copy = Verdict("supported", "copy", 1.0, yes.evidence)
    assert chosen("Un modèle de base a besoin de données étiquetées", verdicts(copy, no), set())[0] is copy
    model_no = Verdict("contradicted", "model", 0.2, no.evidence)
    assert chosen("Un modèle de base a besoin de données étiquetées", verdicts(yes, model_no), set())[0] is yes
