"""Chat French written out: "c koi", "pk", "sa veut dire", "kel", "ya cmb", "tjr" -> the words they stand for.

Learners type to a tutor the way they text: "un prompt cé tjr du texte ?", "kel est le titre du cours svp",
"ya cmb de parties ds un prompt". A small model reads such a question poorly and often declines it, although
it answers the same question spelled out; retrieval and the decline decision also weigh the question's
words. So a French question's chat forms are written out before the engine reads it (the learner's own text
is what the conversation keeps). Only forms that are not French words of their own are replaced ("pa",
"koi", "cé"); "sa" becomes "ça" only before a verb ("sa veut dire", "sa sert à", not "sa réponse"), and
a lone "c" only before a word ("c koi").
"""

from __future__ import annotations

import re

CHAT_FORMS = {
    "koi": "quoi", "kwa": "quoi", "koa": "quoi", "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi",
    "pourkoi": "pourquoi", "prk": "pourquoi", "komen": "comment", "koman": "comment", "commen": "comment",
    "cmt": "comment", "kel": "quel", "kelle": "quelle", "kels": "quels", "kelles": "quelles", "ke": "que",
    "ki": "qui", "kan": "quand", "qd": "quand", "cmb": "combien", "cb": "combien", "combi1": "combien",
    "stp": "s'il te plaît", "svp": "s'il vous plaît", "tjr": "toujours", "tjrs": "toujours", "tjs": "toujours",
    "bcp": "beaucoup", "ds": "dans", "pr": "pour", "dc": "donc", "pa": "pas", "jsp": "je ne sais pas",
    "cé": "c'est", "cest": "c'est", "ces't": "c'est", "ya": "il y a", "y'a": "il y a", "jcomprend": "je comprends",
    "jcomprends": "je comprends", "jcomprens": "je comprends", "jsuis": "je suis", "chui": "je suis",
    "jpeux": "je peux", "jai": "j'ai", "jveux": "je veux", "quest": "qu'est", "quil": "qu'il", "quils": "qu'ils",
    "quon": "qu'on", "quun": "qu'un", "quune": "qu'une", "nest": "n'est", "mm": "même", "tt": "tout",
    "tte": "toute", "ptet": "peut-être", "pcq": "parce que", "pck": "parce que", "psk": "parce que",
    "pasque": "parce que", "explik": "explique", "expliq": "explique", "ca": "ça", "lia": "l'IA",
    "auj": "aujourd'hui", "pb": "problème", "qqch": "quelque chose", "qqn": "quelqu'un", "dsl": "désolé",
}
# "sa" is "ça" before these verbs (and "se", "s'": "sa se dit comment", "sa s'appelle").
_VERBS = ("veut|veux|sert|servir|se|s'|s’|fait|fais|marche|consiste|donne|change|va|ressemble|dit|permet|a|peut|"
          "correspond|signifie|existe|sort|compte|coûte|coute|prend|est|c'est")
_SA = re.compile(rf"\bsa\s+(?=(?:{_VERBS})(?:\b|(?<=')))", re.I)
_LONE_C = re.compile(r"(?:(?<![\w'’-])(c)|^\s*(C))\s+(?=[a-zA-Zàâéèêëîïôöûüç])")  # "C" only opening the question
_C_A_DIRE = re.compile(r"\bc\s*(?:a|à)\s*dire\b", re.I)
_IA_GEN = re.compile(r"\b((?:l')?ia)\s+g[ée]n\b", re.I)
_TOKEN = re.compile(r"(?<![\w'’-])([\w'’]+)(?![\w'’-])")


def written_out(question: str) -> str:
    """The question with its chat forms replaced by the words they stand for (French questions only)."""
    text = _C_A_DIRE.sub("c'est-à-dire", question)
    text = _SA.sub(lambda m: "Ça " if m.group(0)[0] == "S" else "ça ", text)
    text = _LONE_C.sub(lambda m: "C'est " if m.group(2) else "c'est ", text)

    def replace(match: re.Match) -> str:
        word = match.group(1)
        full = CHAT_FORMS.get(word.lower().replace("’", "'"))
        if full is None:
            return word
        return full[0].upper() + full[1:] if word[0].isupper() else full

    text = _TOKEN.sub(replace, text)
    return _IA_GEN.sub(lambda m: f"{m.group(1)} générative", text)
