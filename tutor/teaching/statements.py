"""A learner's statement, as the claim to check: without "je pense que", "si j'ai bien compris", "est-il vrai que",
nor the question tag that asks for confirmation ("c'est bien ça ?", "non ?", "right?")."""

from __future__ import annotations

import re

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


def claim_of(statement: str) -> str:
    """"Je pense qu'un prompt a quatre parties, c'est bien ça ?" -> "un prompt a quatre parties"."""
    claim = _TAG.sub("", _OPENING.sub("", statement.strip())).strip(" ?!.,;")
    return claim or statement


# How far a verdict on a learner's statement can be trusted, most first: the rules' decisions (a near-copy of the
# lesson's sentence; a negation, an amount or a name the lesson contradicts) before the small model's reading,
# so that a reading of "yes" against one lesson section never outweighs a rule's "no" against another
# ("Un modèle de base a besoin de données étiquetées": the traditional models' section reads yes, the
# foundation models' section says the opposite).
_RULES = ("copy", "ok", "polarity", "quantity", "name")


def trust(verdict) -> int:
    """The rank of a support verdict (tutor.engine.support.Verdict) when several lesson sections judge one claim."""
    by_rule = verdict.reason in _RULES
    order = {("supported", True): 0, ("contradicted", True): 1, ("supported", False): 2, ("contradicted", False): 3}
    return order.get((verdict.label, by_rule), 4)
