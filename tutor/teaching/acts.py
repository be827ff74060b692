"""What the learner is doing with a message, decided by code before any retrieval or model call.

    greeting, thanks (and goodbyes), help, question, quiz (a request to be quizzed or checked), answer (to
    the tutor's pending question), hint, reveal (asks for the pending question's answer), statement (a
    claim to check), rephrase (explain the last answer differently), next (what to study next), injection

A classifier (scikit-learn's logistic regression) over the message's character and word n-grams (which
absorb typos and SMS spellings), its multilingual embedding (which carries paraphrases and English), and
whether the tutor is waiting for an answer. It is trained at first use on `data/acts-train.jsonl`
(904 labelled messages, French and English) and measured on `evals/acts-dev.jsonl` and
`evals/acts-test.jsonl`, never trained on. Injection attempts are also caught by the engine's own rule.
The fitted classifier is kept in the cache folder, keyed by its training data, embedding model and
scikit-learn version, so later processes (the CLI, each chat server) load it instead of fitting it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from tutor.engine.input import looks_like_injection
from tutor.teaching.statements import puts_a_claim
from tutor.text import fold

ACTS = ("greeting", "thanks", "help", "question", "quiz", "answer", "hint", "reveal", "statement", "rephrase",
        "next", "injection")
TRAINING = Path(__file__).resolve().parent / "data" / "acts-train.jsonl"
PENDING_ONLY = {"answer", "hint", "reveal"}  # acts that need a pending question
C = 30.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Act:
    name: str
    confidence: float


class ActClassifier:
    """Trained once per process (under a second, plus embedding the examples once: they are cached)."""

    def __init__(self, embeddings, examples: list[dict] | None = None, c: float = C, training_embeddings=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        self.embeddings = embeddings
        examples = examples if examples is not None else load_examples(TRAINING)
        self.vectorizer = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                            token_pattern=r"[\w']+|\[P\]|\[O\]|\?"))
        texts = [_marked(e["text"], bool(e.get("pending"))) for e in examples]
        self.vectorizer.fit(texts)
        features = self._features(texts, [e["text"] for e in examples], [bool(e.get("pending")) for e in examples],
                                  training_embeddings or embeddings)
        self.model = LogisticRegression(C=c, max_iter=4000).fit(features, [e["act"] for e in examples])

    def _features(self, marked: list[str], raw: list[str], pending: list[bool], embeddings=None):
        import numpy as np
        from scipy.sparse import csr_matrix, hstack

        vectors = np.asarray((embeddings or self.embeddings).embed_documents(raw), dtype=float)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        flags = np.array([[1.0 if p else 0.0] * 3 for p in pending])
        return hstack([self.vectorizer.transform(marked), csr_matrix(flags), csr_matrix(vectors)]).tocsr()

    def classify(self, message: str, pending: bool = False) -> Act:
        if looks_like_injection(message):
            return Act("injection", 1.0)
        probabilities = self.model.predict_proba(self._features([_marked(message, pending)], [message], [pending]))[0]
        ranked = sorted(zip(self.model.classes_, probabilities), key=lambda x: -x[1])
        for name, p in ranked:  # without a pending question, there is nothing to answer or to hint at
            if pending or name not in PENDING_ONLY:
                return Act(str(name), float(p))
        return Act("question", 0.0)


_ASKS = re.compile(r"\?\s*\W*$")


def asks(message: str) -> bool:
    """The message is put as a question (it ends with a question mark)."""
    return _ASKS.search(message.strip()) is not None


# A request to be quizzed names it (question, quiz, test, exercise, check...); one that names nothing ("Une
# autre !") continues what came before.
_NAMES_A_QUIZ = re.compile(r"\b(?:quiz\w*|qcm|questions?|interro\w*|test\w*|exercices?|exercises?|verifi\w*|"
                           r"check\w*|examine\w*|evalu\w*|revis\w*|entrain\w*|practi[cs]e\w*|ask me|pose[- ]moi)\b")


def names_a_quiz(message: str) -> bool:
    return _NAMES_A_QUIZ.search(fold(message)) is not None


SOCIAL = {"greeting", "thanks", "help", "next"}  # acts answered without the course
# A request to be checked asks the tutor to check the learner ("Vérifie si je sais…", "Check whether I
# understood…", "Teste-moi sur…", "Peux-tu m'interroger ?"): the learner is the verb's object. The classifier
# can read it as the course question it names; "Vérifie si les LLM sont…" checks a claim, not the learner.
_LEARNER = (r"(?:[- ](?:moi|me|nous)\b|\s+(?:si|que|qu'|whether|if)\s+(?:je\b|j'|i\b)|"
            r"\s+(?:my|mes|mon|ma)\s+(?:understanding|knowledge|connaissances|acquis|comprehension|niveau)\b)")
_CHECK_REQUEST = re.compile(
    r"(?:^|[,.!;:]\s*)\W*(?:(?:tu peux|peux[- ]tu|pourrais[- ]tu|pouvez[- ]vous|pourriez[- ]vous|est-ce que tu peux|"
    r"can you|could you|please)\s+)?(?:(?:me|m')\s*(?:verifier|tester|interroger|evaluer|quizzer)\b|"
    r"(?:verifie[rz]?|teste[rz]?|interroge[rz]?|evalue[rz]?|check|test|quiz)" + _LEARNER + ")")
# A claim put as a question by a tag at its end ("…, c'est ça ?", "…, right?") asks to be checked; a message
# that opens with a question word is a question whatever its end ("Pourquoi on dit ça, non ?").
_TAG = re.compile(r"(?:(?:,\s*|\s+)(?:c'?\s?est (?:ca|bien ca|juste|vrai|correct|exact)|n'?est[- ]ce pas|pas vrai|"
                  r"am i right|is that (?:right|correct|true)|isn'?t it)|,\s*(?:non|vrai|juste|right|correct|true))"
                  r"\s*\?+\s*$")
_QUESTION_WORD = re.compile(r"^\W*(?:pourquoi|comment|quel\w*|qu'est|que |qui |quand|combien|ou |why|how|what|which|"
                            r"who|when|where)\b")

# A question by its form, which a claim to check never has: an English auxiliary first ("Do foundation models
# replace…?"), a French inversion or "est-ce que" ("Faut-il entraîner… ?"), a choice ("…, A ou B ?"), or a
# request to list or explain ("Énumère les tâches…"); but "Is it true that…?" and "Est-il vrai que… ?" put a
# claim to be checked (tutor.teaching.statements).
_ASKED = re.compile(
    r"^\W*(?:(?:do|does|did|is|are|was|were|can|could|will|would|should|has|have|must)\s+\w+"
    r"|est-ce qu|(?:enumere|liste|cite|donne|explique|decris|definis|compare|list|name|explain|describe|define|give)\b)"
    r"|\w-(?:t-)?(?:il|elle|ils|elles|on)\b|\b(?:ou|or)\s+[^,;.?]+\?+\s*$")

# Who a message is about: the thing the last answer named ("il", "it"), or the learner ("je", "my").
_THIRD = re.compile(r"\b(?:il|elle|ils|elles|it|they|them)\b")
_FIRST = re.compile(r"\b(?:je|j|me|m|moi|mon|ma|mes|nous|on|i|my|we|us)\b")


def question_by_form(text: str, folded: str) -> bool:
    """A message that is a question (or a request about the course) by its form, not a claim to check."""
    return bool(_ASKED.search(folded)) and not puts_a_claim(text) and not _TAG.search(folded)


def settle(act: str, text: str, last_act: str | None = None, about_course=None) -> str:
    """The classifier's act, corrected where the message's form or the conversation decides."""
    folded = fold(text).replace("\u2019", "'")
    if act in SOCIAL and asks(text) and about_course is not None and about_course(text):
        return "question"  # "Comment puis-je optimiser mes prompts ?" reads like a request for help
    if act == "quiz" and last_act == "question" and not names_a_quiz(text):
        return "question"  # "Un autre ?" right after an answer asks for more of it, not for a quiz
    if act == "next" and last_act == "question" and _THIRD.search(folded) and not _FIRST.search(folded):
        return "question"  # "Et il peut faire quoi ensuite ?" asks about what the answer was about, not the learner
    if act in ("question", "statement", "rephrase") and _CHECK_REQUEST.search(folded):
        return "quiz"
    if act == "question" and _TAG.search(folded) and not _QUESTION_WORD.search(folded):
        return "statement"
    if act == "statement" and question_by_form(text, folded):
        return "question"
    return act


def _marked(text: str, pending: bool) -> str:
    return ("[P] " if pending else "[O] ") + fold(text)


def load_examples(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


_lock = threading.Lock()
_classifiers: dict[int, ActClassifier] = {}


def classifier(embeddings, training_embeddings=None, cache_dir: Path | None = None) -> ActClassifier:
    """The process's classifier for these embeddings (trained on first use). `training_embeddings` (the
    same model behind the vector cache) embeds the training examples once for all processes; learners'
    messages are embedded by `embeddings` and never cached. With `cache_dir`, the fitted classifier is
    loaded from there when it was fitted on the same data, model and library, and saved there otherwise."""
    with _lock:
        key = id(embeddings)
        if key not in _classifiers:
            _classifiers[key] = _load_or_fit(embeddings, training_embeddings, cache_dir)
        return _classifiers[key]


def _load_or_fit(embeddings, training_embeddings, cache_dir: Path | None) -> ActClassifier:
    model_name = getattr(training_embeddings, "model_name", None)
    if cache_dir is None or model_name is None:
        return ActClassifier(embeddings, training_embeddings=training_embeddings)
    import sklearn

    key = hashlib.sha256(b"\0".join([TRAINING.read_bytes(), model_name.encode(), sklearn.__version__.encode(),
                                      str(C).encode()])).hexdigest()[:24]
    path = Path(cache_dir) / "acts" / f"{key}.pickle"
    try:
        with path.open("rb") as f:
            vectorizer, model = pickle.load(f)  # our own cache folder, written below
        fitted = ActClassifier.__new__(ActClassifier)
        fitted.embeddings, fitted.vectorizer, fitted.model = embeddings, vectorizer, model
        return fitted
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    fitted = ActClassifier(embeddings, training_embeddings=training_embeddings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps((fitted.vectorizer, fitted.model)))
        partial.replace(path)
    except OSError as error:  # a read-only or full cache: fitting again next time is only slower
        log.warning("cannot keep the act classifier in %s: %s", path.parent, error)
    return fitted
