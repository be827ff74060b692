"""A learner's statement, as the claim to check: without "je pense que", "si j'ai bien compris", "est-il vrai que",
nor the question tag that asks for confirmation ("c'est bien ça ?", "non ?", "right?")."""

from __future__ import annotations

import re

from tutor.engine.claims import names
from tutor.text import analyze

_OPENING = re.compile(
    r"^\s*(?:(?:alors|donc|ok|bon|ah|euh|hmm|so|well|wait|attends)\s*,?\s*)*"
    r"(?:je (?:pense|crois|suppose|dirais)|il me semble|j'ai (?:compris|lu|entendu)|on m'a dit|(?:si|d'apr[èe]s ce que) "
    r"j'ai (?:bien )?compris|en gros|en r[ée]sum[ée]|i (?:think|believe|guess|read|heard)|(?:if|so) i understand"
    r"(?: correctly)?|my understanding is|so basically"
    r"|(?:est-(?:il|ce)|c'est|est-ce que c'est) (?:vrai|exact|juste|correct)(?: de dire)?|is it (?:true|correct|right)"
    r"(?: to say)?)\s*(?:que|qu'|that|,)?\s*", re.IGNORECASE)
_TAG = re.compile(
    r"[\s,;:-]*(?:c'est (?:bien )?(?:ça|ca|juste|correct|vrai|exact)|j'ai (?:bon|raison|juste)|non|hein|n'est-ce pas|"
    r"pas vrai|vrai ou faux|right|correct|true|isn'?t it|aren'?t they|don'?t they|is that (?:right|correct|true)|"
    r"am i right|yes or no|oui ou non)\s*[?!.]*\s*$", re.IGNORECASE)


def puts_a_claim(message: str) -> bool:
    """The message opens by putting a claim to be checked ("je pense que…", "Is it true that…")."""
    return _OPENING.match(message.strip()) is not None


def claim_of(statement: str) -> str:
    """"Je pense qu'un prompt a quatre parties, c'est bien ça ?" -> "un prompt a quatre parties"."""
    claim = _TAG.sub("", _OPENING.sub("", statement.strip())).strip(" ?!.,;")
    return claim or statement


# A rule's "no" (a negation, an amount or a name the lesson contradicts) is more reliable than the small
# model's "yes"; but a rule sees no subject: "Données non étiquetées : un modèle de base..." contradicts
# "les modèles traditionnels ont besoin de données étiquetées" too. So a rule's "no" outranks a model's "yes"
# only when its sentence and section say as much of the claim as the confirming ones: "Un modèle de base a
# besoin de données étiquetées" is then answered by the foundation models' section, not confirmed by the
# traditional models' one.
_RULES = ("polarity", "quantity", "name")


def chosen(claim: str, verdicts: list, said: set[str]):
    """The (verdict, chunk) that answers a statement, among each lesson section's verdict on it: supported,
    then contradicted, then unsupported (the section naming what the claim names first, then the surest),
    unless the confirmation is the model's reading and a rule contradicts the claim on a sentence that
    covers as much of it. Of several contradicting sections, the one that says the most of the claim (its
    own subject's: "Les modèles de base" for a claim about them) gives the correction."""
    ranked = sorted(verdicts, key=lambda v: ({"supported": 0, "contradicted": 1, "unsupported": 2}[v[0].label],
                                             not (said & names(v[1].embed_text)), -v[0].score))
    best = ranked[0]
    words = set(analyze(claim))

    def cover(pair) -> int:
        return len(words & set(analyze(f"{pair[1].section} {pair[0].evidence}")))

    if best[0].label == "contradicted":  # the section about the claim's own subject corrects it best
        return max((v for v in ranked if v[0].label == "contradicted"), key=cover)
    if best[0].label != "supported" or best[0].reason != "model":
        return best

    rules = [v for v in ranked if v[0].label == "contradicted" and v[0].reason in _RULES and cover(v) >= cover(best)]
    return max(rules, key=cover) if rules else best
