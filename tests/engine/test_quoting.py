"""The last check before a decline: when nothing the model wrote holds, the course's own sentences answer, if
the model reads them as answering the question; quoted, cited, and never the model's dropped words."""

import re

from tutor.engine.quoting import CROSSING_MIN_READING, MIN_READING, closest_sentences
from tutor.engine.result import AskOptions
from tutor.engine.tutor import Tutor
from tutor.providers import make_embeddings
from tutor.text import cited

RESOURCES = "Les modèles de base ont-ils besoin de beaucoup de ressources informatiques pour s'adapter ?"


def fake_tutor(settings, response: str, reading: float) -> Tutor:
    llm = settings.llm.model_copy(update={"provider": "fake", "fake_responses": [response], "fake_verdicts": [reading]})
    return Tutor(settings.model_copy(update={"llm": llm}))


def quoted_sentences(answer: str) -> list[str]:
    return re.findall(r"[«“]\s*(.+?)\s*[»”]\s*\[\d\]", answer)


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", ""))


def test_a_draft_that_does_not_hold_gives_way_to_the_courses_sentences_quoted_and_cited(semantic):
    tutor = fake_tutor(semantic, "La capitale de l'Australie est Sydney, une très grande ville côtière.", 0.9)
    result = tutor.ask(RESOURCES)
    assert not result.refused and result.quote_reading == 0.9
    assert result.answer.startswith("Voici ce que dit le cours à ce sujet :")
    assert "Sydney" not in result.answer and "Sydney" in result.draft_answer
    quotes = quoted_sentences(result.answer)
    assert len(quotes) == 2
    by_number = {c.n: plain(c.text) for c in result.citations}
    for quote in quotes:  # each one the course's words, in the extract it is cited to
        assert any(quote.rstrip(".") in text for text in by_number.values()), quote
    assert set(cited(result.answer)) == set(by_number)
    assert "moins de ressources informatiques" in result.answer  # the sentence that answers was chosen
    reading = tutor.llm.model.readings[-1]  # the model read the question and exactly those sentences
    assert RESOURCES in reading[-1].content and all(q.rstrip(".") in reading[-1].content for q in quotes)


def test_a_model_that_declines_an_answered_question_is_overruled_by_the_course(semantic):
    result = fake_tutor(semantic, "HORS_COURS", 1.0).ask(RESOURCES)
    assert not result.refused and result.refusal_reason is None and result.citations


def test_below_the_threshold_the_decline_stands_with_its_reading(semantic):
    reading = round(MIN_READING - 0.05, 4)
    result = fake_tutor(semantic, "HORS_COURS", reading).ask("Combien coûte l'utilisation d'Amazon SageMaker Studio ?")
    assert result.refused and result.refusal_reason == "model_declined" and result.quote_reading == reading
    assert "SageMaker" not in result.answer.split("\n")[0] and not result.citations


ENGLISH = "Is adapting a foundation model cheaper in computing resources than training a new one?"
TRANSLATIONS = ["Efficiency: adjusting an existing model takes fewer computing resources than training a new one.",
                "Unlabelled data: a foundation model uses only a fraction of the data to adapt to new tasks."]


def test_an_english_question_is_answered_with_the_courses_sentences_translated_and_checked(semantic):
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": ["HORS_COURS", *TRANSLATIONS],
                                          "fake_verdicts": [1.0]})
    result = Tutor(semantic.model_copy(update={"llm": llm})).ask(ENGLISH)
    assert result.language == "en" and not result.refused and result.quote_reading == 1.0
    assert result.answer.startswith("Here is what the course says about it:")
    assert sorted(quoted_sentences(result.answer)) == sorted(t.rstrip(".") for t in TRANSLATIONS)
    assert "ressources" not in result.answer and any("ressources" in c.text for c in result.citations)


def test_an_english_question_is_never_answered_with_french_quotes(semantic):
    tutor = fake_tutor(semantic, "HORS_COURS", 1.0)  # every translation it writes is "HORS_COURS": none holds
    result = tutor.ask(ENGLISH)
    assert result.language == "en" and result.refused and result.refusal_reason == "model_declined"
    assert result.quote_reading is None and "«" not in result.answer


def test_the_closest_sentences_are_found_across_languages(semantic):
    texts = ["Modèles — Efficacité\nEfficacité : il faut moins de ressources informatiques pour ajuster un modèle "
             "existant que pour en entraîner un nouveau.\nLe cours compte quatre leçons.",
             "Prompts — Définition\nUn prompt est une demande textuelle donnée à un modèle de base."]
    embeddings = make_embeddings(semantic)
    best = closest_sentences("Does adapting a model need fewer computing resources?", texts, embeddings, k=1)
    assert best == [(1, "Efficacité : il faut moins de ressources informatiques pour ajuster un modèle existant que "
                         "pour en entraîner un nouveau.")]
    assert closest_sentences("Qu'est-ce qu'un prompt ?", [], embeddings) == []


def test_the_subject_asked_about_outweighs_the_words_every_sentence_says(semantic):
    texts = ["Exemples — Modèles\n- Amazon Titan : conçu pour traiter le langage naturel.\n"
             "- Stable Diffusion : utilisé pour la génération d'images.",
             "LLM — Capacités\n- comprendre des prompts complexes : traiter des instructions formulées en langage "
             "naturel.\n- synthétiser du texte : résumer des documents volumineux en quelques phrases.",
             "LLM — Définition\nLes grands modèles de langage sont spécialisés dans le traitement du langage naturel."]
    best = closest_sentences("Stable Diffusion sert-il à traiter le langage naturel ?", texts, make_embeddings(semantic), k=1)
    assert best == [(1, "Stable Diffusion : utilisé pour la génération d'images.")]


def test_the_quotes_keep_a_techniques_promise_of_shape(semantic):
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": ["HORS_COURS"], "fake_verdicts": [1.0]})
    tutor = Tutor(semantic.model_copy(update={"llm": llm}))
    for technique in ("format-table", "format-json"):
        result = tutor.ask(RESOURCES, options=AskOptions(technique=technique))
        assert not result.refused and result.promise_kept, technique
        assert "moins de ressources informatiques" in result.answer and "Voici ce que dit" not in result.answer


def test_an_english_question_reads_against_its_own_threshold(semantic):
    reading = round((MIN_READING + CROSSING_MIN_READING) / 2, 4)  # enough in French, not across languages
    llm = semantic.llm.model_copy(update={"provider": "fake", "fake_responses": ["HORS_COURS", *TRANSLATIONS],
                                          "fake_verdicts": [reading]})
    result = Tutor(semantic.model_copy(update={"llm": llm})).ask(ENGLISH)
    assert result.refused and result.quote_reading == reading
