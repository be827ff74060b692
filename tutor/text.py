"""French (and English) text analysis shared by retrieval, the engine's checks, teaching and the evals.

- `fold`: lower case, accents removed, straight apostrophes (what cue lists and matches compare).
- `analyze`: the words that carry meaning, French-stemmed and folded (BM25, coverage, citation support).
- `dictionary_forms`: a conjugated word's dictionary form ("sait", "savent" -> "savoir"), which the stemmer
  does not join.
- `unglue`: elisions typed without their apostrophe ("cest quoi linference") split as the course writes them.
- `clean_text`: what any text from outside (a learner, a lesson) becomes before it is used: no control,
  zero-width or bidi characters, no chat-template tokens, Unicode normalised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width and bidi controls can hide text from a reader while the model still sees it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Chat-template tokens of the common model families must never reach the model from data (a lesson, a learner).
TEMPLATE_TOKENS = re.compile(
    r"<\|[^|<>\n]{1,40}\|>"            # ChatML/Qwen <|im_start|>, Llama 3 <|eot_id|>, <|user|>, <|endoftext|> ...
    r"|<｜[^｜<>\n]{1,40}｜>"            # DeepSeek: <｜begin▁of▁sentence｜>
    r"|\[/?INST\]|<</?SYS>>"          # Llama 2, Mistral
    r"|<(?:start|end)_of_turn>",      # Gemma
    re.IGNORECASE,
)
# A citation marker as answers write them: [1], or several numbers in one pair of brackets ([1, 2], [1;3]).
CITATION = re.compile(r"\s*\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
_ELISION_RE = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def clean_text(text: str) -> str:
    """Drop control, zero-width and chat-template characters; normalise Unicode; collapse spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    text = TEMPLATE_TOKENS.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def cited(text: str) -> list[int]:
    """The extract numbers a text cites, in order ("... [1, 3]" -> [1, 3])."""
    return [int(n) for group in CITATION.findall(text) for n in re.split(r"[,;]", group)]


def strip_citations(text: str, replacement: str = "") -> str:
    """`text` without its citation markers."""
    return CITATION.sub(replacement, text)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes: "L’Éducation" -> "l'education"."""
    return strip_accents(text.lower().replace("’", "'"))


def slugify(text: str) -> str:
    """"Qu'est-ce qu'un prompt ?" -> "qu-est-ce-qu-un-prompt"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

    words = {w.lower() for w in STOPWORDS_FRENCH} | {w.lower() for w in STOPWORDS_EN}
    # Question words carry no topic, nor the verbs that ask ("que veut dire…", "explique-moi"), nor the way
    # learners write these words in chat ("c koi", "pk", "ya", "stp", "cest").
    words |= {"quoi", "quel", "quelle", "quels", "quelles", "comment", "pourquoi", "est-ce", "cela", "ça", "entre",
              "veut", "dire", "explique", "expliquer", "expliquez", "explik", "explique-moi", "koi", "kwa", "koa",
              "pk", "pq", "pkoi", "pourkoi", "komen", "koman", "kel", "kelle", "ke", "ki", "ya", "stp", "svp",
              "bcp", "tjr", "tjrs", "tjs", "dc", "pr", "ds", "jsp", "ouais", "ouai", "bah", "ben", "euh", "hein",
              # function words typed without their apostrophe
              "cest", "quest", "jai", "quil", "quils", "sil", "sils", "nest", "quon", "quun", "quune", "jsuis"}
    return frozenset(words | {strip_accents(w) for w in words})


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("french")


def words(text: str) -> list[str]:
    """The words of `text`, lower case, elisions removed (l'IA -> ia)."""
    return _WORD_RE.findall(_ELISION_RE.sub(" ", text.lower()))


def analyze(text: str) -> list[str]:
    """French analysis: lower-case, elisions removed, stop words out, stemmed, accents folded."""
    stops = stop_words()
    kept = [w for w in words(text) if w not in stops and not w.isdigit() and len(w) > 1]
    return [strip_accents(stem) for stem in _stemmer().stemWords(kept)]


def dictionary_forms(text: str) -> dict[str, str]:
    """For each meaning word of `text` whose dictionary form stems otherwise, its folded stem (as `analyze` gives it
    for `fold(text)`) -> the folded stem of that form (simplemma's French lemmas): "sait" and "savent" both give
    "savoir", "peut" and "peuvent" "pouvoir". The stemmer joins regular endings ("modèles", "modèle"), not the
    forms of irregular verbs, so "un LLM, ça sait faire quoi ?" would not find the course's "les LLM savent"."""
    import simplemma

    stops = stop_words()
    kept = [w for w in words(text) if w not in stops and strip_accents(w) not in stops and not w.isdigit() and len(w) > 1]
    stem = _stemmer().stemWords
    folded = [strip_accents(s) for s in stem([strip_accents(w) for w in kept])]
    lemmas = [strip_accents(s) for s in stem([simplemma.lemmatize(w, lang="fr").lower() for w in kept])]
    return {a: b for a, b in zip(folded, lemmas) if a != b}


_GLUED = re.compile(r"\b(qu|[cdjlmnst])([aeiouyhàâéèêëîïôöûü]\w+)\b", re.IGNORECASE)


def unglue(text: str, vocabulary: set[str]) -> str:
    """Elisions typed without their apostrophe, split: "quoi linference" -> "quoi l'inference". A word is
    split only when it is neither a function word nor in `vocabulary` (the course's stems), and what follows
    its first letter (or "qu"), four letters or more, is a word of the course ("linference",
    "dinformations"). Glued function words ("cest", "quil") are stop words: they carry no topic."""
    def split(match: re.Match) -> str:
        word, rest = match.group(0), match.group(2)
        stems = analyze(word)
        if word.lower() in stop_words() or stems and stems[0] in vocabulary:
            return word
        rest_stems = analyze(rest)
        if len(rest) >= 4 and rest_stems and rest_stems[0] in vocabulary:
            return f"{match.group(1)}'{rest}"
        return word
    return _GLUED.sub(split, text)
