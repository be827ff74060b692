"""The prompt lab's deterministic rubric on weak and strong prompts, text and image."""

import pytest

from tutor.prompting.lab import improve_with_template, parse_review, split_negative
from tutor.prompting.rubric import TEXT_CRITERIA, is_image_prompt, score

STRONG = ("Instructions : résume le texte ci-dessous.\nContexte : je prépare une fiche de révision pour des "
          "débutants.\nTexte : « Un prompt est une demande textuelle donnée à un modèle de base. »\n"
          "Format : une liste de trois puces.")


@pytest.mark.parametrize("prompt, expected, missing", [
    ("IA", 0, set(TEXT_CRITERIA)),
    ("Dis moi des trucs sur les LLM", 1, {"context", "input", "output_format", "clear", "contextual", "structured"}),
    ("Qu'est-ce qu'un LLM ?", 1, {"context", "input", "output_format", "clear", "contextual", "structured"}),
    ("Parle-moi des modèles de base", 2, {"context", "input", "output_format", "contextual", "structured"}),
    ("Explique les modèles de base à un débutant en 3 phrases.", 5, {"input", "structured"}),
    ("Explain what a foundation model is to beginners, in 3 bullet points. Here is my draft: "
     "\"FMs are big models trained on lots of data\".", 7, set()),
    (STRONG, 7, set()),
])
def test_text_prompts_score_as_expected(prompt, expected, missing):
    rubric = score(prompt)
    assert rubric.kind == "text" and rubric.total == 7
    assert (rubric.score, set(rubric.missing())) == (expected, missing)
    assert all(c.reason["fr"] and c.reason["en"] for c in rubric.criteria)


def test_reasons_name_what_is_wrong():
    rubric = score("Dis moi des trucs sur les LLM")
    reasons = {c.name: c.reason["fr"] for c in rubric.criteria}
    assert "trucs" in reasons["clear"] and "pour qui" in reasons["context"]
    assert "1 partie(s) sur 4" in reasons["structured"]


@pytest.mark.parametrize("prompt, expected, missing", [
    ("Dessine un chat", 0, {"subject", "style", "composition", "lighting", "negative"}),
    ("Génère une image d'un phare breton", 1, {"style", "composition", "lighting", "negative"}),
    ("Génère une image d'un chat roux qui dort sur un livre, style aquarelle, gros plan, lumière douce du matin, "
     "sans texte ni flou", 5, set()),
    ("Image : a lighthouse at sunset, watercolor, wide shot, no text", 5, set()),
])
def test_image_prompts_score_on_what_an_image_model_needs(prompt, expected, missing):
    rubric = score(prompt)
    assert rubric.kind == "image" and rubric.total == 5
    assert (rubric.score, set(rubric.missing())) == (expected, missing)


@pytest.mark.parametrize("prompt, image", [
    ("Génère une image d'un chat", True), ("Peux-tu créer une illustration de la mer", True),
    ("Dessine un robot", True), ("Une photo d'un phare la nuit", True), ("Draw a cat", True),
    ("Explique comment un modèle génère une image", False), ("Qu'est-ce qu'un modèle de base ?", False),
    ("Résume la démonstration de génération d'images", False),
])
def test_image_prompts_are_told_apart_from_text_about_images(prompt, image):
    assert is_image_prompt(prompt) is image


@pytest.mark.parametrize("prompt", ["IA", "Dis moi des trucs sur les LLM", "Parle-moi des modèles de base",
                                    "Qu'est-ce qu'un LLM ?", "Dessine un chat", "Génère une image d'un phare"])
def test_the_template_fixes_every_missing_part(prompt):
    rubric = score(prompt)
    improved = improve_with_template(prompt, rubric, "fr")
    after = score(improved, rubric.kind)
    assert after.score > rubric.score
    assert not set(after.missing()) & {"context", "input", "output_format", "style", "composition", "lighting",
                                       "negative"}
    assert "trucs" not in improved


def test_the_model_review_is_parsed_in_french_or_english():
    assert parse_review("Critique : Il manque le contexte.\nPrompt amélioré : « Explique X à un débutant. »") == \
        ("Il manque le contexte.", "Explique X à un débutant.")
    assert parse_review("Critique: Too vague.\n**Improved prompt:** Explain X in 3 bullets.") == \
        ("Too vague.", "Explain X in 3 bullets.")
    assert parse_review("Rien d'utile") == ("Rien d'utile", "")


def test_negative_prompt_lines_are_split_off():
    assert split_negative("Un chat roux\nPrompt négatif : texte, flou") == ("Un chat roux", "texte, flou")
    assert split_negative("A cat, watercolor") == ("A cat, watercolor", "")
