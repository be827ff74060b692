"""The act classifier is fitted once and kept in the cache folder: later processes load it, and a cache
that is damaged or was fitted on other data is fitted again, never trusted.
What the message's form settles after the classifier."""

import pytest

from tutor.providers import make_cached_embeddings, make_embeddings
from tutor.teaching import acts


def fresh_classifier(settings, monkeypatch):
    monkeypatch.setattr(acts, "_classifiers", {})
    cached = make_cached_embeddings(settings)
    try:
        return acts.classifier(make_embeddings(settings), cached, settings.cache_dir)
    finally:
        cached.close()


def test_the_fitted_classifier_is_kept_and_loaded_instead_of_fitted_again(semantic, monkeypatch, tmp_path):
    semantic = semantic.model_copy(update={"cache_dir": tmp_path / "cache"})
    first = fresh_classifier(semantic, monkeypatch)
    [kept] = (tmp_path / "cache" / "acts").glob("*.pickle")
    fits = []
    original = acts.ActClassifier.__init__
    monkeypatch.setattr(acts.ActClassifier, "__init__", lambda self, *a, **k: (fits.append(1), original(self, *a, **k))[1])
    second = fresh_classifier(semantic, monkeypatch)
    assert fits == [] and second is not first
    for message, pending in [("Bonjour !", False), ("c'est quoi un LLM ?", False), ("la réponse B", True)]:
        assert second.classify(message, pending) == first.classify(message, pending)

    kept.write_bytes(b"not a pickle")
    third = fresh_classifier(semantic, monkeypatch)
    assert fits == [1] and third.classify("Merci !").name == "thanks"

    other = tmp_path / "other.jsonl"
    other.write_text(acts.TRAINING.read_text(encoding="utf-8") + '{"text": "Salut toi", "act": "greeting"}\n',
                     encoding="utf-8")
    monkeypatch.setattr(acts, "TRAINING", other)
    fresh_classifier(semantic, monkeypatch)
    assert fits == [1, 1] and len(list((tmp_path / "cache" / "acts").glob("*.pickle"))) == 2


@pytest.mark.parametrize("act, message, settled", [
    ("question", "Vérifie si je sais à quoi sert l'ingénierie de prompt", "quiz"),
    ("question", "Check whether I understood the difference between a prompt and an inference", "quiz"),
    ("rephrase", "Teste-moi sur les grands modèles de langage", "quiz"),
    ("question", "Tu peux vérifier si j'ai bien compris les LLM ?", "quiz"),
    ("question", "le cours présente cinq techniques pour améliorer un prompt, c'est ça ?", "statement"),
    ("question", "And in the Japan example, 'Where is Japan?' is the prompt, correct?", "statement"),
    ("question", "Peux-tu m'interroger sur les LLM ?", "quiz"),
    ("question", "Salut, vérifie si je sais ce qu'est un LLM", "quiz"),
    ("question", "un LLM est un modèle de base c'est ça ?", "statement"),
    ("question", "LLMs are foundation models, am I right?", "statement"),
    # Questions about checking or testing, claims to check, and plain questions are not requests to be checked.
    ("question", "Comment vérifier qu'un prompt est bon ?", "question"),
    ("question", "Qu'est-ce qu'un test de classification ?", "question"),
    ("question", "Vérifie si les LLM sont un sous-ensemble des modèles de base", "question"),
    ("question", "Check whether GPT-4 is a foundation model", "question"),
    ("question", "Tester si un prompt marche, comment on fait ?", "question"),
    ("question", "Test on unseen data: why does it matter?", "question"),
    ("question", "Check my prompt: 'Write a poem'", "question"),
    ("question", "C'est quoi un LLM, en gros ?", "question"),
    # A message that opens with a question word stays a question, whatever its end.
    ("question", "Pourquoi on dit qu'un LLM hallucine, non ?", "question"),
    ("question", "C'est vrai ?", "question"),
    # A pending question's answer is never turned into a claim to check.
    ("answer", "des milliers de milliards de mots, c'est ça ?", "answer"),
    # A question by its form is asked, not put to be checked: an auxiliary first, an inversion, "est-ce que", a
    # choice, a request to list or explain; "is it true that", a tag or "je pense que" put a claim.
    ("statement", "Do foundation models replace traditional models?", "question"),
    ("statement", "Can a traditional model do several tasks on its own?", "question"),
    ("statement", "Faut-il entraîner un nouveau modèle traditionnel pour chaque nouvelle tâche ?", "question"),
    ("statement", "Les modèles de base remplacent-ils les modèles traditionnels ?", "question"),
    ("statement", "Est-ce que les LLM servent aussi aux images ?", "question"),
    ("statement", "La réponse du modèle à un prompt, c'est l'instruction ou l'inférence ?", "question"),
    ("statement", "Énumère toutes les tâches en aval des modèles de base.", "question"),
    ("statement", "Is it true that foundation models need labelled data?", "statement"),
    ("statement", "Est-il vrai que les LLM sont des modèles de base ?", "statement"),
    ("statement", "Est-ce que c'est vrai que les LLM sont formés sur des milliers de mots ?", "statement"),
    ("statement", "Are LLMs a subset of foundation models, right?", "statement"),
    ("statement", "Je pense que les LLM sont un sous-ensemble des modèles de base ?", "statement"),
    ("statement", "Donc l'inférence c'est la question qu'on pose au modèle ?", "statement"),
    ("statement", "Les modèles de base remplacent les modèles traditionnels.", "statement"),
])
def test_the_messages_form_settles_what_the_classifier_misreads(act, message, settled):
    assert acts.settle(act, message) == settled


def test_after_an_answer_another_one_asks_for_more_and_a_course_question_is_never_help():
    assert acts.settle("quiz", "Un autre ?", last_act="question") == "question"
    assert acts.settle("quiz", "Une autre question de quiz ?", last_act="question") == "quiz"
    # After an answer, "ensuite" about what it named is a follow-up; about the learner, what to study next.
    assert acts.settle("next", "Et il peut faire quoi ensuite ?", last_act="question") == "question"
    assert acts.settle("next", "And what can it do next?", last_act="question") == "question"
    assert acts.settle("next", "Et il peut faire quoi ensuite ?") == "next"
    assert acts.settle("next", "Qu'est-ce qu'il me reste à voir ?", last_act="question") == "next"
    assert acts.settle("next", "What should I study next?", last_act="question") == "next"
    assert acts.settle("help", "Comment optimiser mes prompts ?", about_course=lambda text: True) == "question"
    assert acts.settle("help", "Tu fais quoi ?", about_course=lambda text: False) == "help"
