"""The course's own sentences in the learner's language.

When nothing the model wrote holds, the engine shows the course's words (a contradicted sentence repaired
from its extract, the items a list answer left out). To a learner who writes in another language than the
course's, a French quote is no answer: the model translates the sentence (`prompts/translate.yaml`, with the
course's terms as a glossary: "modèle de base" is a "foundation model"), and code checks the translation
before it is shown: it is in the learner's language, gives the same amounts (tutor.engine.support), and is
close in meaning to the sentence by embedding (the support check's threshold). A translation that fails is
not shown: the caller keeps the course's words as they are.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from tutor.engine.amounts import quantity_mismatch, scale_names
from tutor.engine.citations import ITEM, SEGMENTS, course_words, quotation, with_markers
from tutor.engine.relevance import SUPPORT_SIMILARITY
from tutor.engine.retrieval import EN_FR_TERMS
from tutor.i18n import detect_language
from tutor.prompting.prompts import PromptFile
from tutor.text import analyze, cited, fold, strip_citations

_PHRASE = re.compile(r"'|\b(?:de|du|des|la|le|les|à)\b")  # a French term of several words
MAX_TOKENS = 160  # a sentence of the course, translated, with room to spare
KEPT = 1024  # translations kept per process (the course's sentences come back; the model's rarely do)


def glossary(sentence: str, target: str) -> str:
    """The course's terms found in `sentence`, with their names in `target` ("modèle de base = foundation
    model"); longer terms first, abbreviations left out. A one-word English term's French side may list
    one-word alternatives ("formés entraînés" = trained)."""
    text = fold(sentence)
    pairs: dict[str, str] = {}
    for english, french in sorted(EN_FR_TERMS.items(), key=lambda kv: -len(kv[0])):
        alternatives = french.split() if " " not in english and not _PHRASE.search(french) else [french]
        for source, wanted in ((f, english) if target == "en" else (english, f) for f in alternatives):
            if len(english) > 3 and fold(source) != fold(wanted) and source not in pairs \
                    and re.search(rf"(?<!\w){re.escape(fold(source))}(?!\w)", text):
                pairs[source] = wanted
    return "\n".join(f"{a} = {b}" for a, b in pairs.items())


def in_other_language(answer: str, language: str) -> bool:
    """Whether an answer is plainly written in another language than `language` (unsure: no)."""
    return detect_language(answer, default="") not in ("", language)


def in_language(answer: str, translate: Translator, language: str) -> str | None:
    """A checked answer written in the course's language, in the learner's `language`: each sentence
    translated and checked (its citations kept), its lines and bullets as they were; None as soon as one
    sentence has no translation that holds (a table row is not translated)."""
    out = []
    for i, part in enumerate(SEGMENTS.split(answer)):
        head = ITEM.match(part)
        head, body = (head.group(0), part[head.end():]) if head else ("", part)
        text = strip_citations(body).strip()
        already = len(text.split()) > 2 and not in_other_language(text, language)  # long enough to tell
        if i % 2 == 1 or not analyze(text) or already:
            out.append(part)
            continue
        if "|" in text or (translated := translate(text, language)) is None:
            return None
        out.append(head + with_markers(translated, cited(body)))
    return "".join(out)


def quoter(translate: Translator | None, language: str, course_language: str) -> Callable[[str, str], str | None]:
    """How a contradicted sentence is repaired (tutor.engine.citations): the course's words, quoted, in the
    learner's `language` when it is not the course's and a translation holds."""
    if translate is None or language == course_language:
        return quotation

    def quote(evidence: str, extract: str) -> str | None:
        words = course_words(evidence, extract)
        translated = translate(words, language) if words else None
        return f"“{translated}”" if translated else quotation(evidence, extract)

    return quote


class Translator:
    """Translates the course's sentences with the chat model, checked by code (None when unsure)."""

    def __init__(self, llm, embeddings, model_name: str, prompt: PromptFile):
        self.llm, self.embeddings, self.prompt = llm, embeddings, prompt
        self.threshold = SUPPORT_SIMILARITY.get(model_name)
        self._done: OrderedDict[tuple[str, str], str | None] = OrderedDict()  # the latest ones, kept
        self._lock = threading.Lock()

    def __call__(self, sentence: str, target: str) -> str | None:
        """`sentence` in the `target` language ("en" or "fr"), or None if no translation held."""
        key = (sentence, target)
        with self._lock:  # learners' turns run in worker threads
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
        translated = self._translate(sentence, target)
        with self._lock:
            self._done[key] = translated
            while len(self._done) > KEPT:
                self._done.popitem(last=False)
        return translated

    def _translate(self, sentence: str, target: str) -> str | None:
        if self.threshold is None or not sentence.strip():
            return None
        terms = glossary(sentence, target)
        source = "fr" if target == "en" else "en"  # its amounts named in `target` already (code, not the model)
        parts = self.prompt.render(target=self.prompt.message(target), sentence=scale_names(sentence, source, target).strip(),
                                   glossary=f"Course terms:\n{terms}" if terms else "")
        reply = "".join(self.llm.stream(parts.messages(), max_tokens=MAX_TOKENS))
        text = re.sub(r"^\W*(?:english|french|fran[cç]ais|anglais)\s*:\s*", "", reply.strip(), flags=re.I)
        text = text.strip().strip("\"“”«»").strip()
        return text if self.holds(text, sentence, target) else None

    def holds(self, translation: str, sentence: str, target: str) -> bool:
        """In `target`, the same amounts, and as close in meaning as a supported sentence is to its extract."""
        if not translation or "\n" in translation or len(translation) > 2 * len(sentence) + 40:
            return False
        # Too short for the detector to tell ("Output"): taken as written in `target`, the closeness decides.
        if detect_language(translation, default=target) != target or quantity_mismatch(translation, sentence):
            return False
        a, b = self.embeddings.embed_documents([translation, sentence])
        return sum(x * y for x, y in zip(a, b)) >= self.threshold


def towards(translate: Translator, language: str, course_language: str):
    """The course's words into the learner's `language` (a function of a text); None when the learner reads
    the course's language."""
    return None if language == course_language else lambda text: translate(text, language)
