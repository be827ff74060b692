"""The act classifier is fitted once and kept in the cache folder: later processes load it, and a cache
that is damaged or was fitted on other data is fitted again, never trusted."""

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
