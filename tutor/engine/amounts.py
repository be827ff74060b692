"""The amounts a text states, in a form code can compare: numbers in digits or words, scale phrases as
powers of ten ("milliers de milliards" = "trillions"), size words ("énormes quantités"), rankings ("le plus
utilisé") and prices ("gratuit"). Used by the support check and grading (a changed amount is a changed fact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.i18n import detect_language
from tutor.text import analyze, fold, strip_citations
from tutor.text import words as tokens

# Number words, and the scale words that make a quantity ("milliers de milliards").
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "douze": 12, "vingt": 20, "cent": 100, "mille": 1000,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "hundred": 100, "thousand": 1000,
}
SCALES = ("dizaines", "centaines", "milliers", "millions", "milliards", "billions", "trillions", "tens", "hundreds",
          "thousands", "millions", "billions", "trillions")
# Words that size an amount without a number: "énormes quantités" is not "petites quantités".
SIZE_WORDS = {
    "big": ("enorme", "enormes", "grand", "grande", "grands", "grandes", "immense", "immenses", "vaste", "vastes",
            "gigantesque", "gigantesques", "massif", "massive", "massives", "beaucoup", "nombreux", "nombreuses",
            "huge", "large", "massive", "vast", "many", "lots", "plusieurs", "multiple", "multiples", "several"),
    "small": ("petit", "petite", "petits", "petites", "faible", "faibles", "peu", "quelques", "reduit", "reduite",
              "reduits", "reduites", "limite", "limitee", "limites", "limitees", "small", "few", "little", "tiny",
              "seul", "seule", "seuls", "seules", "unique", "uniques", "single", "only", "one"),
}
_SIZE = {word: kind for kind, words in SIZE_WORDS.items() for word in words}
SIZED = tuple(SIZE_WORDS)  # amounts said with a word, not counted
# French size words that follow the noun they size, after its article ("une tâche unique", "des quantités
# immenses"; not "nécessitent d'énormes quantités").
_ARTICLES = {"un", "une", "des", "le", "la", "les", "l'", "du", "d'"}
_POSTPOSED = {"unique", "uniques", "immense", "immenses", "enorme", "enormes", "gigantesque", "gigantesques", "limitee",
              "limitees", "reduite", "reduites"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BEST = {"meilleur", "meilleure", "meilleurs", "meilleures", "pire", "pires"}
_PRICED = ("gratuit", "payant")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")  # a power of ten ("10^12", "10¹²", "1e12")
_POWER = re.compile(r"\b(?:10\s*(?:\^|\*\*)\s*(\d{1,2})|10([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})|1e\+?(\d{1,2}))\b")
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.M)


@dataclass(frozen=True)
class Quantity:
    value: str  # "4", "1e12" (milliers de milliards), "big", "small"
    noun: str  # the stem of the word it counts ("mot"), "" when unknown


# Powers of ten of the scale words, so that "milliers de milliards" and "trillions" are one amount. A French
# "billion" is 10^12, an English one 10^9.
_POWERS = {"dizaines": 1, "tens": 1, "centaines": 2, "hundreds": 2, "milliers": 3, "thousands": 3, "millions": 6,
           "milliards": 9, "billions": 9, "trillions": 12}
_FRENCH_POWERS = {"billions": 12, "trillions": 18}


def quantities(text: str) -> list[Quantity]:
    """The amounts a text states: numbers (in digits or words), scale phrases (as a power of ten, whatever
    their language), size words before a noun (or after it: "une tâche unique"), rankings ("le plus
    utilisé") and prices ("gratuit"). Citation markers are not amounts."""
    text = _POWER.sub(lambda m: f" 1e{next(g for g in m.groups() if g).translate(_SUPERSCRIPT)} ", text)
    words = [fold(w) for w in tokens(_LIST_MARKER.sub(" ", strip_citations(text, " ")))]
    french = detect_language(text) == "fr"
    found: list[Quantity] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in SCALES:  # "milliers de milliards de mots": the whole phrase is one quantity
            phrase = [word]
            j = i + 1
            while j + 1 < len(words) and words[j] in ("de", "d'", "of") and words[j + 1] in SCALES:
                phrase.append(words[j + 1])
                j += 2
            # The phrase's own linking word tells its language ("trillions of words", "billions de mots")
            # better than the text's, which a few words cannot give reliably.
            linking = {words[k] for k in range(i + 1, j + 1, 2) if k < len(words)}
            in_french = "de" in linking or (french and "of" not in linking)
            power = sum(_power(w, in_french) for w in phrase)
            found.append(Quantity(f"1e{power}", _noun_after(words, j)))
            i = j
            continue
        if re.fullmatch(r"1e\d+", word):
            found.append(Quantity(word, _noun_after(words, i + 1)))
        elif _NUMBER.fullmatch(word) or (word in NUMBER_WORDS and word not in ("un", "une", "one")):
            value = word if _NUMBER.fullmatch(word) else str(NUMBER_WORDS[word])
            if i + 1 < len(words) and words[i + 1] in SCALES:
                i += 1
                continue  # "3 milliards": counted as the scale phrase
            found.append(Quantity(value, _noun_after(words, i + 1)))
        elif (ranked := _ranking(words, i)) is not None:
            found.append(ranked)
        elif word.startswith(_PRICED) or (word == "free" and i > 0 and words[i - 1] == "for"):
            found.append(Quantity("price", ""))  # a price is an amount, "gratuit" one of zero
        elif word in _POSTPOSED and i > 1 and words[i - 2] in _ARTICLES and analyze(words[i - 1]):
            found.append(Quantity(_SIZE[word], analyze(words[i - 1])[0]))  # "une tâche unique"
        elif word in _SIZE and i + 1 < len(words) and word not in ("one", "only"):
            found.append(Quantity(_SIZE[word], _noun_after(words, i + 1)))
        i += 1
    return found


def quantity_mismatch(claim: str, reference: str) -> str | None:
    """"changed" when the claim gives another amount for something the reference counts, "added" when it
    states an amount the reference has nowhere, else None."""
    theirs = quantities(reference)
    values = {q.value for q in theirs}
    added = None
    for q in quantities(claim):  # every amount: a changed one after an added one is still a change
        same_thing = {t.value for t in theirs if q.noun and t.noun == q.noun}
        if same_thing and q.value not in same_thing:
            return "changed"
        if not same_thing and q.value not in values and q.value not in SIZED:
            added = "added"
    return added


def _ranking(words: list[str], i: int) -> Quantity | None:
    """A superlative ranks things, a fact like an amount: "le plus utilisé", "la meilleure", "the best"."""
    word, before = words[i], words[i - 1] if i else ""
    if word in ("plus", "moins") and before in ("le", "la", "les") and i + 1 < len(words):
        return Quantity("rank", (analyze(words[i + 1]) or [""])[0])
    if (word in _BEST and before in ("le", "la", "les")) or (word in ("best", "most", "least", "worst") and before == "the"):
        return Quantity("rank", "")
    return None


def _noun_after(words: list[str], start: int) -> str:
    for word in words[start:start + 3]:
        if word in ("de", "d'", "des", "of", "the", "les"):
            continue
        stems = analyze(word)
        return stems[0] if stems else ""
    return ""



def vaguer(claim: str, evidence: str, reference: str = "") -> bool:
    """The claim sizes with a word ("un très grand volume de texte") what the evidence counts ("des milliers
    de milliards de mots"), and counts nothing itself: the amount the course gives is lost. A size the
    reference says too is its own wording, not a lost amount ("les grands modèles de langage")."""
    said = quantities(claim)
    own = {q for q in quantities(reference or evidence) if q.value in SIZED}
    counted = [q for q in quantities(evidence) if q.value not in SIZED + ("rank", "price")]
    vague = [q for q in said if q.value == "big" and q not in own]
    return bool(counted and vague) and all(q.value in SIZED for q in said)


def unsized(text: str) -> str:
    """The text without its size words, to find what it sizes ("un très grand volume de texte" -> "un volume
    de texte") rather than other sentences that say "grand"."""
    return " ".join(w for w in tokens(text) if fold(w) not in _SIZE and fold(w) not in ("tres", "very"))


# How each language names a power of ten, for a translation to keep the amount ("milliers de milliards" is
# "trillions", not "millions of billions").
SCALE_NAMES = {"fr": {3: "milliers", 6: "millions", 9: "milliards", 12: "milliers de milliards"},
               "en": {3: "thousands", 6: "millions", 9: "billions", 12: "trillions"}}


def scale_names(text: str, source: str, target: str) -> str:
    """`text` with its scale phrases named as `target` names them ("des milliers de milliards de mots" ->
    "des trillions de mots" for English): a translation then keeps the amount, which a small model
    translating "milliers de milliards" does not (it wrote "millions of billions", then "millions")."""
    names = SCALE_NAMES.get(target, {})

    def named(match: re.Match) -> str:
        phrase = match.group(0)
        power = sum(_power(fold(w), source == "fr") for w in re.findall(r"\w+", phrase) if fold(w) in _POWERS)
        return names.get(power, phrase)

    return _SCALE_PHRASE.sub(named, text) if names and source != target else text


def _power(word: str, french: bool) -> int:
    return (_FRENCH_POWERS if french else {}).get(word, _POWERS[word])


_SCALE = "(?:" + "|".join(sorted(set(SCALES))) + ")"
_SCALE_PHRASE = re.compile(rf"\b{_SCALE}(?:\s+(?:de|d'|of)\s+{_SCALE})*\b", re.I)
