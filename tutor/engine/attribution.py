"""Who the course says what of: a claim that gives one term's definition to another term of the same extract.

A course extract often defines several terms side by side, one per sentence or list item, each opening with
its term ("**clair** : il dit précisément ce qui est demandé", "**contextuel** : il donne le contexte utile à
la réponse"; "Les modèles de base sont des modèles polyvalents…", "Les grands modèles de langage (LLM) sont
spécialisés…"). A claim clause that says what one item says (its definition's words) while naming the other
item's term as its subject ("un bon prompt est contextuel quand il dit précisément ce qui est demandé")
attributes the definition to the wrong term: a swap that word overlap cannot see, every word being the
extract's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.engine.claims import clause_texts, units
from tutor.text import analyze

# The term a unit defines: the bold words it opens with, and what follows them in brackets ("**Réponse
# générée** (l'inférence) : …": two names of one thing), what comes before its verb of definition ("Les
# modèles de base sont des modèles polyvalents…"), or a word or two before its colon ("Clair : …").
_BOLD = re.compile(r"^\*\*(?P<head>[^*]{2,80})\*\*(?:\s*\((?P<aside>[^)]{1,60})\))?")
_IS = re.compile(r"^(?P<head>[^:«»\",;]{2,80}?)\s+(?:est|sont|s'appelle|s’appelle|désigne|signifie|is|are)\s",
                 re.I)
_COLON = re.compile(r"^(?P<head>[^:«»\"]{2,40}?)\s*:\s+\S")
MAX_HEAD = 5  # meaning words in a term's name at most
MAX_COLON_HEAD = 2  # before a colon ("Le cours illustre les LLM par un schéma :" names no term)
MIN_SAID = 2  # definition words a clause must share with the item it lines up with (and an item must say)


@dataclass(frozen=True)
class Item:
    text: str
    names: tuple[frozenset[str], ...]  # the term's names, as meaning words ({"repons", "gener"}, {"inferent"})
    said: frozenset[str]  # what the item says of it: its other meaning words


def items(reference: str) -> list[Item]:
    """The units of the extract that open with the term they define."""
    found = []
    for unit in units(reference):
        plain = unit.replace("**", "").replace("*", "")
        named = tuple(frozenset(n) for n in _names(unit, plain) if 1 <= len(n) <= MAX_HEAD)
        said = set(analyze(plain)).difference(*named)
        if named and len(said) >= MIN_SAID:
            found.append(Item(unit, named, frozenset(said)))
    return found


def _names(unit: str, plain: str) -> list[set[str]]:
    if bold := _BOLD.match(unit):
        return [set(analyze(bold.group("head"))), set(analyze(bold.group("aside") or ""))]
    if defined := _IS.match(plain):
        return [set(analyze(defined.group("head")))]
    colon = _COLON.match(plain)
    head = set(analyze(colon.group("head"))) if colon else set()
    return [head] if len(head) <= MAX_COLON_HEAD else []


def misattributed(claim: str, reference: str) -> str | None:
    """The extract's item whose definition a clause of the claim gives to another item's term, or None.

    A clause lines up with the item that says the most of what it says (two definition words at least, more
    than any other item). It is misattributed when it names none of that item's names, and names exactly one
    other item (two or more: a list of them, "clarifier la demande, fournir des exemples") by a name one of
    whose words the first item never uses, before the words it shares with it (the subject comes first)."""
    defined = items(reference)
    if len(defined) < 2:
        return None
    for piece in clause_texts(claim):
        stems = analyze(piece)
        clause = set(stems)
        scored = sorted(defined, key=lambda item: -len(clause & item.said))
        best, runner = scored[0], scored[1]
        shared = clause & best.said
        if len(shared) < MIN_SAID or len(shared) == len(clause & runner.said):
            continue
        if any(name <= clause for name in best.names):
            continue
        used = best.said.union(*best.names)
        named = [(item, name) for item in defined if item is not best for name in item.names
                 if name <= clause and name - used]
        if len({id(item) for item, _ in named}) != 1:
            continue
        first_said = min(stems.index(word) for word in shared)
        if any(max(stems.index(word) for word in name) < first_said for _, name in named):
            return best.text
    return None


def attributed(claim: str, reference: str) -> bool:
    """Two clauses of the claim or more each name a term of the extract and say what the extract says of that
    term, and no more (its other clauses name nothing and say nothing the extract does not): a comparison put
    the right way round ("Stable Diffusion est utilisé pour générer des images, alors qu'Amazon Titan est
    conçu pour traiter le langage naturel"), which a reading of the whole sentence often takes for a swap."""
    defined = items(reference)
    if len(defined) < 2 or misattributed(claim, reference):
        return False
    known = set(analyze(reference))
    right = 0
    for piece in clause_texts(claim):
        clause = set(analyze(piece))
        if not clause <= known:
            return False
        named = [item for item in defined if any(name <= clause for name in item.names)]
        if not named:
            continue
        best = max(len(clause & item.said) for item in defined)
        if len(named) != 1 or best < MIN_SAID or len(clause & named[0].said) < best:
            return False
        right += 1
    return right >= 2
