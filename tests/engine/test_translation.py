"""The course's sentences in the learner's language: an English learner never reads a French answer when a
checked translation exists, and a translation that changes an amount or stays in French is never shown."""

import pytest

from tutor.engine.citations import check_citations, quotation
from tutor.engine.translation import Translator, glossary, in_language, quoter
from tutor.engine.tutor import Tutor
from tutor.prompting.prompts import load_prompts
from tutor.providers import embedding_model_name, make_embeddings
from tutor.text import cited

LLM_FR = "Les LLM sont formés sur des milliers de milliards de mots."
LLM_EN = "Large language models are trained on trillions of words."


class Scripted:
    """A chat provider that replies with the given texts in turn and records the prompts."""

    def __init__(self, *replies: str):
        self.replies, self.prompts = list(replies), []

    def stream(self, messages, max_tokens=None):
        self.prompts.append(messages)
        yield self.replies.pop(0)


@pytest.fixture
def translator(semantic):
    def make(*replies: str) -> Translator:
        return Translator(Scripted(*replies), make_embeddings(semantic), embedding_model_name(semantic.embeddings),
                          load_prompts()["translate"])
    return make


def test_the_glossary_gives_the_courses_own_names_for_its_terms():
    terms = glossary("Un modèle de base est préentraîné ; les modèles traditionnels sont formés sur des données.", "en")
    assert "modèle de base = foundation model" in terms and "formés = trained" in terms
    assert glossary("La sortie", "en") == "sortie = output"  # one of a term's one-word alternatives
    assert "données d'entrée = input" in glossary("Les données d'entrée", "en")  # a phrase stays whole
    assert glossary("Paris est une ville.", "en") == ""


def test_a_faithful_translation_is_kept_and_the_model_reads_the_glossary(translator):
    translate = translator(LLM_EN)
    assert translate(LLM_FR, "en") == LLM_EN
    prompt = "\n".join(m.content for m in translate.llm.prompts[0])
    assert "English" in prompt and "Course terms:" in prompt
    # the amount is named in English by code before the model reads the sentence (it wrote "millions of billions")
    assert LLM_FR.replace("milliers de milliards", "trillions") in prompt
    assert translate(LLM_FR, "en") == LLM_EN and len(translate.llm.prompts) == 1  # asked once per sentence


@pytest.mark.parametrize("reply", [
    "LLMs are trained on millions of billions of words.",  # another amount
    "Les LLM sont entraînés sur des milliers de milliards de mots.",  # still French
    "Paris is the capital of France and a very large city by the river.",  # another meaning
    "Large language models are trained\non trillions of words.",  # more than a sentence
])
def test_a_translation_that_does_not_hold_is_never_shown(translator, reply):
    assert translator(reply)(LLM_FR, "en") is None


def test_an_answer_is_translated_sentence_by_sentence_with_its_citations_and_bullets(translator):
    translate = translator(LLM_EN, "A prompt is a text request given to a foundation model.")
    answer = f"- {LLM_FR[:-1]} [2].\n- Un prompt est une demande textuelle donnée à un modèle de base [1]."
    english = in_language(answer, translate, "en")
    assert english == f"- {LLM_EN[:-1]} [2].\n- A prompt is a text request given to a foundation model [1]."
    assert in_language(answer, translator(LLM_EN, "Il est formé."), "en") is None  # one fails: none is shown


def test_a_sentence_already_in_the_learners_language_is_not_translated_again(translator):
    translate = translator(LLM_EN)
    assert in_language(f"{LLM_FR} The course also lists: “A long training process” [2].", translate, "en") == \
        f"{LLM_EN} The course also lists: “A long training process” [2]."


def test_a_contradicted_sentence_is_repaired_with_the_courses_words_in_the_learners_language(translator):
    extract = "Les grands modèles de langage (LLM)\n\nLes LLM sont formés sur des milliers de milliards de mots."

    class Contradicted:
        label, reason, evidence, score = "contradicted", "quantity", LLM_FR, 1.0

    judge = lambda sentence, n: Contradicted()  # noqa: E731
    english = check_citations("LLMs are trained on a few thousand words [1].", [extract], lambda s, n: 0.9, 0.83,
                              judge, quoter(translator(LLM_EN), "en", "fr"))
    assert english.answer == f"“{LLM_EN}” [1]" and english.repaired
    kept = check_citations("LLMs are trained on a few thousand words [1].", [extract], lambda s, n: 0.9, 0.83, judge,
                           quoter(translator("LLMs are trained on millions of billions of words."), "en", "fr"))
    assert kept.answer == f"{quotation(LLM_FR, extract)} [1]"  # no translation held: the course's own words
    assert quoter(translator(), "fr", "fr") is quotation


def make_tutor(settings, *responses: str) -> Tutor:
    cfg = settings.llm.model_copy(update={"provider": "fake", "fake_responses": list(responses)})
    return Tutor(settings.model_copy(update={"llm": cfg}))


def test_an_english_question_answered_in_french_reaches_the_learner_in_english(semantic):
    tutor = make_tutor(semantic, LLM_FR, LLM_EN)
    result = tutor.ask("What are large language models trained on?")
    assert not result.refused and result.language == "en"
    assert result.draft_answer.startswith("Les LLM")
    assert result.answer.startswith("Large language models are trained on trillions of words [")
    assert cited(result.answer) == [c.n for c in result.citations] and result.citations
    assert "milliers de milliards" in result.citations[0].text  # the citation still shows the course


def test_a_french_question_is_never_translated(semantic):
    tutor = make_tutor(semantic, LLM_FR, "Should never be asked.")
    result = tutor.ask("Sur combien de mots les LLM sont-ils formés ?")
    assert result.answer.startswith("Les LLM sont formés sur des milliers de milliards de mots [")
    assert len(tutor.llm.model.calls) == 1


def test_translations_are_kept_within_a_bound_the_least_recently_used_going_first(translator, monkeypatch):
    import tutor.engine.translation as translation

    monkeypatch.setattr(translation, "KEPT", 2)
    translate = translator("A long training process", "The output", "The context", "The output")
    long, output, context = "Un processus d'entraînement long", "La sortie", "Le contexte"
    assert [translate(s, "en") for s in (long, output, long, context)] == \
        ["A long training process", "The output", "A long training process", "The context"]
    assert list(translate._done) == [(long, "en"), (context, "en")]  # "La sortie" was the least recently used
    assert translate(output, "en") == "The output" and len(translate.llm.prompts) == 4  # asked again


def test_towards_translates_only_for_a_learner_who_reads_another_language_than_the_course():
    from tutor.engine.translation import towards

    calls = []
    translate = lambda text, target: calls.append((text, target)) or f"<{target}> {text}"  # noqa: E731
    assert towards(translate, "fr", "fr") is None
    assert towards(translate, "en", "fr")("la sortie") == "<en> la sortie" and calls == [("la sortie", "en")]
