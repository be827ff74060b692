"""What a sentence claims, in the pieces code can compare with an extract: its polarity (negated or not),
the course terms it names, and the extract sentences it lines up with (its amounts: tutor.engine.amounts).

Used by the support check (tutor.engine.support): a swapped subject, a negation, a changed number or an
added fact is found by comparing these pieces, not by counting shared words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tutor.text import analyze, fold, words

_UNITS = re.compile(r"[^.!?;\n]+(?:[.!?;]+|\n|$)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ«])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def negated(text: str) -> bool:
    """Whether a sentence denies what it states ("ne ... pas", "sans", "not")."""
    return bool(negated_terms(text))


_NE_PAS = re.compile(r"\bne\s+(?P<inside>(?:[\w']+\s+){0,3}?[\w']+)\s+(?:pas|plus|jamais|rien|guère|point)"
                     r"(?:\s+(?:de|du|des|la|le|les|à|au|aux|même|meme)\b|\s+(?:d'|l'))*\s*(?P<after>\w+)?")
_NOT = re.compile(r"\b(?:sans|aucun\w*|jamais|nullement|not|never|no|without|non(?!\s*[,.;:!?])|plut[ôo]t que|"
                  r"au lieu de|rather than|instead of)\s+"
                  r"(?:(?:de|du|des|la|le|les|a|an|the|be|been|to)\s+|d'|l')*(?P<after>\w+)(?:\s+(?P<next>\w+))?"
                  r"|\b(?P<verb>\w+)n't\s+(?P<after2>\w+)")

_PAS = re.compile(r"(?<!\bun )(?<!\ble )(?<!\bpourquoi )(?<!\bchaque )(?<!à )\bpas\s+(?!(?:à|a)\s+pas\b|mal\b|trop\b|"
                  r"s[ûu]re?s?\b|seulement\b|uniquement\b|que\b|plus\b|moins\b|encore\b|forc[ée]ment\b|si\b)(?:(?:du tout|"
                  r"vraiment|tr[èe]s|toujours|de|du|des|la|le|les|même|meme)\s+|d'|l')*(?P<after>\w+)(?:\s+(?P<next>\w+))?")


def negated_terms(text: str) -> set[str]:
    """The meaning words a sentence denies: "ne les complètent pas" -> {complet}, "il ne faut pas ajuster"
    -> {ajust}, "données non étiquetées" -> {etiquet}, "without training" -> {training}, "ce n'est pas la
    même chose" -> {chos}. "Ne ... que" restricts and denies nothing; a sentence-initial "Non," answers a
    question and denies nothing either."""
    folded = re.sub(r"\bn'", "ne ", text.lower().replace("’", "'"))
    found: set[str] = set()
    for m in _NE_PAS.finditer(folded):
        found |= set(analyze(m.group("inside"))) | set(analyze(m.group("after") or ""))
    spans = [m.span() for m in _NE_PAS.finditer(folded)]
    for m in _PAS.finditer(folded):  # spoken French drops the "ne": "des données pas étiquetées"
        if not any(a <= m.start() < b for a, b in spans):  # what the text also affirms is not what it denies
            rest = set(analyze(folded[:m.start()] + " " + folded[m.end():]))
            found |= set(analyze(f"{m.group('after')} {m.group('next') or ''}")) - rest
    for m in _NOT.finditer(folded):
        found |= set(analyze(" ".join(g for g in (m.group("after"), m.group("next"), m.group("after2")) if g)))
    return found


def polarity_conflict(claim: str, evidence: str) -> bool:
    """A meaning word both texts share, denied in one and affirmed in the other, or compared the other way
    ("plus de ressources" against "moins de ressources")."""
    shared = set(analyze(claim)) & set(analyze(evidence))
    if shared & (negated_terms(claim) ^ negated_terms(evidence)):
        return True
    theirs = comparisons(evidence)
    return any(theirs.get(term, sign) != sign for term, sign in comparisons(claim, theirs_sides(evidence)).items())


_THAN = re.compile(r"\b(?:que\b|qu['’]|than\b)", re.I)


def theirs_sides(text: str) -> tuple[set[str], set[str]]:
    """The meaning words before and after a comparison's "que"/"than" ("moins de ressources pour ajuster un
    modèle que pour en entraîner un nouveau" -> ({ressourc, ajust, model, ...}, {entrain, nouveau})), empty
    without one. What follows "que" is the second thing compared, and only that."""
    found = _COMPARE.search(text)
    than = _THAN.search(text, found.end()) if found else None
    if not than:
        return set(), set()
    return set(analyze(text[:than.start()])), set(analyze(text[than.end():]))


_COMPARE = re.compile(r"\b(?P<how>plus|moins|davantage|more|less|fewer|greater|smaller)\s+(?:de\s+|d'|of\s+|the\s+)?"
                      r"(?P<what>[\w-]+)", re.I)
_MORE = {"plus", "davantage", "more", "greater"}


def comparisons(text: str, sides: tuple[set[str], set[str]] = (set(), set())) -> dict[str, str]:
    """What a text says there is more or less of: {"ressourc": "-"} for "moins de ressources" (not the "plus"
    of a negation: "ne ... plus"). With another text's `sides` (`theirs_sides`), a comparison that puts them
    the other way round ("entraîner demande plus de ressources qu'ajuster" against "moins de ressources pour
    ajuster que pour entraîner") is read with its sign turned: it says the same thing."""
    mine = theirs_sides(text)
    turned = bool(sides[1] & mine[0]) and len(mine[1] & sides[0]) > len(mine[1] & sides[1])
    found = {}
    for match in _COMPARE.finditer(text):
        before = fold(text[max(0, match.start() - 25):match.start()])
        if match.group("how").lower() == "plus" and re.search(r"\b(?:ne|n')\b|\bn'", before):
            continue
        stems = analyze(match.group("what"))
        if stems:
            found[stems[0]] = "+" if (match.group("how").lower() in _MORE) != turned else "-"
    return found


# A name: capitalised words in a row ("Amazon Titan", "Stable Diffusion", "Bedrock"), not an acronym ("LLM",
# "IA": generic terms in this course) and not a lone word opening a sentence ("Les", "Un").
_NAME = re.compile(r"(?<![\w'’])([A-ZÀ-Þ][a-zà-ÿ][\w-]*(?:\s+[A-ZÀ-Þ][a-zà-ÿ][\w-]*)*)")
_OPENS = re.compile(r"(?:^|[.!?:;—–(«\"\n])[\s#>*•\d.)-]*$")


def names(text: str) -> set[str]:
    """The proper names a text states, folded ("Stable Diffusion sert-il..." -> {"stable diffusion"})."""
    plain = text.replace("**", "")
    found = set()
    for match in _NAME.finditer(plain):
        name = match.group(1)
        if " " not in name and _OPENS.search(plain[:match.start()]):
            continue  # a capital that only opens the sentence
        found.add(fold(name))
    return found


def names_swapped(claim: str, reference: str) -> bool:
    """The claim says of one named thing what the reference says of another: the reference's unit that
    says the rest of the claim (its names left out) names things, none of them the claim's ("Stable
    Diffusion traite le langage naturel" against "Amazon Titan : conçu pour traiter le langage naturel").
    A reference that never names what the claim names is silent about it, which is no swap ("Stable
    Diffusion génère des images" against "on utilise Amazon SageMaker Studio pour générer des images")."""
    return swapped_with(claim, reference) is not None


def swapped_with(claim: str, reference: str) -> str | None:
    """The reference's unit that says what the claim says, of another named thing than the claim's (the sentence
    that shows a learner where their claim belongs: "Stable Diffusion : utilisé pour la génération d'images"
    for "Amazon Titan génère des images"); None when the claim's names are not swapped (`names_swapped`)."""
    said = names(claim)
    if not said or not _named(said, names(reference)):
        return None
    rest = _NAME.sub(" ", claim.replace("**", ""))
    unit = aligned(rest, reference, 1) if analyze(rest) else []
    stated = names(unit[0]) if unit else set()
    return unit[0] if stated and not _named(said, stated) else None


_SIDES = re.compile(r"\s+(?:et|and|vs\.?|versus)\s+", re.I)


def subject_swapped(claim: str, reference: str) -> str | None:
    """The reference's unit that says what the claim says, of the other subject its lesson compares: a lesson
    titled "Modèles traditionnels de machine learning et modèles de base", in its section "Les modèles de
    base", says "un seul modèle de base peut accomplir plusieurs tâches"; "un modèle traditionnel peut
    accomplir plusieurs tâches" says it of the other side. None when the reference has no such heading
    ("Lesson — Section"), when the claim names the section's subject too, or when the unit names the claim's."""
    first = reference.split("\n", 1)[0]
    if " — " not in first:
        return None
    title, section = first.split(" — ", 1)
    sides = [side for side in (set(analyze(part)) for part in _SIDES.split(title)) if side]
    about = set(analyze(section.split(">")[-1]))
    this = next((side for side in sides if about and (side <= about or about <= side)), None)
    words = set(analyze(claim))
    other = next((side for side in sides if side is not this and side <= words and not side <= about), None)
    if this is None or other is None or this <= words:
        return None
    unit = aligned(" ".join(w for w in analyze(claim) if w not in other), reference.split("\n", 1)[1], 1)
    return unit[0] if unit and not other <= set(analyze(unit[0])) else None


def named_in(claim: str, reference: str) -> bool:
    """The reference names one of the things the claim names (True when the claim names nothing)."""
    said = names(claim)
    return not said or _named(said, names(reference))


def _named(said: set[str], stated: set[str]) -> bool:
    """One of the names said is among (or part of) the names stated."""
    return any(a in b or b in a for a in said for b in stated)


def units(extract: str) -> list[str]:
    """The extract cut into sentences and list items, the claims it is made of."""
    out = []
    for line in extract.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        pieces = [m.group().strip() for m in _UNITS.finditer(line)] if len(line) > 160 else _SENTENCE_END.split(line)
        out += [p for p in pieces if len(p) > 3]
    return out


def overlap(claim_words: set[str], unit_words: set[str]) -> float:
    return len(claim_words & unit_words) / len(claim_words) if claim_words else 0.0


def aligned(claim: str, extract: str, n: int = 2) -> list[str]:
    """The `n` units of the extract that share the most meaning words with the claim, best first."""
    words = set(analyze(claim))
    scored = sorted(units(extract), key=lambda u: -overlap(words, set(analyze(u))))
    return scored[:n]


_CLAUSE = re.compile(r"\s*([;,.!?]|\bet\b|\band\b|\bmais\b|\bbut\b|\balors qu(?:e\b|['’])|\btandis qu(?:e\b|['’])|\bwhereas\b|"
                     r"\bwhile\b|\bplut[ôo]t que\b|\bau lieu de\b|\brather than\b|\binstead of\b)\s*", re.I)
_LISTING = {",", "et", "and"}


@lru_cache(maxsize=1)
def _unbound() -> frozenset[str]:
    """Auxiliaries and adverbs that tie no role to a clause ("être clair", "and even code"), as stems."""
    return frozenset(analyze("être avoir have has had even aussi also peut peuvent pouvoir can could"))


def clause_texts(text: str) -> list[str]:
    """A text cut into its clauses, as written (at punctuation, "et", "mais", "alors que", "tandis que"...)."""
    return [piece for piece in _CLAUSE.split(text)[::2] if piece.strip()]


def clauses(text: str, lists: bool = False) -> list[set[str]]:
    """The meaning words of each clause of a text ("le prompt est la demande ; l'inférence la réponse"). With
    `lists`, a list item of one word after a comma or "et" ("du texte, des images et du code") is no clause
    of its own: it binds nothing (an empty set)."""
    pieces = _CLAUSE.split(text)  # text, separator, text, separator, ...
    found: list[set[str]] = []
    for i in range(0, len(pieces), 2):
        words = set(analyze(pieces[i])) - _unbound()
        if lists and len(words) == 1 and found and pieces[i - 1].lower() in _LISTING:
            found.append(set())
        elif words:
            found.append(words)
    return found


def binding(claim: str, reference: str, terms: set[str]) -> tuple[int, int]:
    """(kept, crossed): pairs of `terms` that the claim puts in one clause, and that the reference also puts
    together (kept) or puts each in a clause of its own (crossed). "l'inférence c'est la demande" against
    "le prompt est la demande ; l'inférence est la réponse" crosses (inférence, demande)."""
    home: dict[str, set[int]] = {}
    for i, clause in enumerate(clauses(reference, lists=True)):
        for term in clause & terms:
            home.setdefault(term, set()).add(i)
    kept = crossed = 0
    for clause in clauses(claim):
        present = sorted(clause & set(home))
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                if home[a] & home[b]:
                    kept += 1
                else:
                    crossed += 1
    return kept, crossed


_PASSIVE = {"par", "by"}


def _sequence(clause: str) -> tuple[list[str], list[str]]:
    """A clause's meaning words (stems) in order, and its words."""
    said = words(clause)
    return [s for w in said for s in analyze(w)], said


def roles_swapped(claim: str, reference: str) -> bool:
    """A clause of the claim that uses only words of a clause of the reference, in the reference's order but
    for two groups exchanged around the same words ("les modèles de base sont un sous-ensemble des LLM"
    against "les LLM sont un sous-ensemble des modèles de base"): the roles are swapped. A passive in one
    text only ("est généré par" against "génère") turns roles over and is not read as a swap."""
    references = [_sequence(piece) for piece in _CLAUSE.split(reference)[::2]]
    for piece in _CLAUSE.split(claim)[::2]:
        stems, said = _sequence(piece)
        if len(stems) < 3 or len(set(stems)) < len(stems):
            continue
        for ref_stems, ref_said in references:
            kept = [s for s in ref_stems if s in stems]
            if sorted(kept) != sorted(stems) or kept == stems:
                continue  # another word, a repeated one, or the same order
            if (_PASSIVE & set(said)) != (_PASSIVE & set(ref_said)):
                continue
            n = len(stems)
            if any(stems == kept[j:] + kept[i:j] + kept[:i] and kept[:i] != stems[:i]
                   for i in range(1, n - 1) for j in range(i + 1, n)):
                return True
    return False
