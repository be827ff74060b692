"""A learner's statement as the claim to check, and which lesson section's verdict on it counts."""

import pytest

from tutor.engine.support import Verdict
from tutor.teaching.statements import claim_of, trust


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


def test_a_rules_no_outranks_a_models_yes_and_a_copy_outranks_both():
    copy, rule_no = Verdict("supported", "copy", 1.0), Verdict("contradicted", "polarity", 0.0)
    model_yes, model_no = Verdict("supported", "model", 0.9), Verdict("contradicted", "model", 0.2)
    silent = Verdict("unsupported", "coverage", 0.1)
    assert sorted([silent, model_no, model_yes, rule_no, copy], key=trust) == [copy, rule_no, model_yes, model_no, silent]
