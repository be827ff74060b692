"""The prompt lab's deterministic rubric: the course's criteria, checked by rules before any LLM opinion.

A text prompt is scored on the four parts of a prompt (instructions, context, input data, output format)
and on the three qualities of a good prompt (clear, contextual, well structured): 7 points. An image
prompt is scored on what a text-to-image model needs: subject, style, composition, lighting, negative
prompt: 5 points. Every verdict carries its reason, in French and in English.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from tutor.i18n import Text
from tutor.prompting.prompts import PART_LABELS
from tutor.text import fold


def _cues(*words: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])")


TASK = _cues(
    r"explique[sz]?", r"expliquer", r"redige[sz]?", r"ecris", r"ecrivez", r"resume[sz]?", r"liste[sz]?", r"decris",
    r"decrivez", r"donne[sz]?", r"compare[sz]?", r"tradui[st]", r"traduisez", r"genere[sz]?", r"cree[sz]?",
    r"propose[sz]?", r"analyse[sz]?", r"definis", r"definissez", r"classe[sz]?", r"corrige[sz]?", r"reponds",
    r"repondez", r"presente[sz]?", r"calcule[sz]?", r"fais", r"faites", r"aide-moi", r"enumere[sz]?", r"illustre[sz]?",
    r"dessine[sz]?", r"parle-moi", r"dis", r"dites", r"dis-moi", r"montre-moi", r"cite[sz]?", r"indique[sz]?",
    r"identifie[sz]?",
    r"explain", r"write", r"summari[sz]e", r"list", r"describe", r"give", r"translate", r"generate", r"create",
    r"analy[sz]e", r"define", r"classify", r"answer", r"draft", r"tell me", r"draw", r"show me", r"name",
    r"instructions?\s*:", r"tache\s*:", r"task\s*:", r"consigne\s*:")
CONTEXT = _cues(
    r"contexte\s*:", r"context\s*:", r"je suis", r"je debute", r"nous sommes", r"je travaille", r"je prepare",
    r"mon public", r"(?:pour|a) (?:des|un|une|les|mes) (?:debutants?|eleves?|etudiants?|enfants?|collegues?|public|"
    r"lecteurs?|clients?|professionnels?)", r"destine a", r"dans le cadre", r"sachant que", r"tu es", r"vous etes",
    r"en tant que", r"agis comme", r"niveau", r"public", r"objectif", r"afin de", r"i am", r"i'm", r"we are",
    r"you are", r"act as", r"as an?", r"(?:for|to) (?:a )?(?:beginners?|students?|children|novices?|my)", r"audience",
    r"background",
    r"my goal", r"in order to")
INPUT = _cues(
    r"donnees(?: d'entree)?\s*:", r"texte\s*:", r"voici", r"ci-dessous", r"suivante?s?\s*:", r"input\s*:",
    r"data\s*:", r"text\s*:", r"here is", r"the following", r"below", r"sujet\s*:", r"topic\s*:", r"question\s*:")
OUTPUT = _cues(
    r"format", r"sortie\s*:", r"output\s*:", r"en \w+ (?:phrases?|mots|lignes?|points?|paragraphes?|etapes?)",
    r"in \w+ (?:sentences?|words|lines?|points?|paragraphs?|steps?)", r"liste", r"puces?", r"tableau", r"json",
    r"paragraphe", r"titre", r"ton", r"longueur", r"au maximum", r"au plus", r"maximum", r"moins de", r"bullets?",
    r"bullet points?", r"table", r"paragraph", r"tone", r"at most", r"no more than", r"markdown", r"sous forme de")
VAGUE = _cues(r"trucs?", r"choses?", r"quelque chose", r"etc", r"des trucs", r"stuff", r"things?", r"something")
QUOTED = re.compile(r"[«\"“][^»\"”]{12,}[»\"”]|:\s*\n\s*\S")

STYLE = _cues(
    r"style", r"realiste", r"photorealiste", r"aquarelle", r"huile", r"dessin anime", r"manga", r"3d", r"pixel art",
    r"croquis", r"minimaliste", r"vintage", r"cinematographique", r"impressionniste", r"numerique", r"vectoriel",
    r"photographie", r"realistic", r"photorealistic", r"watercolou?r", r"oil painting", r"cartoon", r"sketch",
    r"minimalist", r"cinematic", r"digital art", r"anime", r"flat design")
COMPOSITION = _cues(
    r"gros plan", r"plan large", r"plan moyen", r"vue de (?:dessus|face|profil|cote)", r"au centre", r"centre",
    r"premier plan", r"arriere-plan", r"en arriere-plan", r"portrait", r"paysage", r"format carre", r"cadrage",
    r"angle", r"plongee", r"contre-plongee", r"composition", r"close-up", r"wide shot", r"top view",
    r"foreground", r"background", r"centered", r"framing", r"symmetr\w+")
LIGHTING = _cues(
    r"lumiere", r"eclairage", r"eclaire", r"lumineux", r"coucher de soleil", r"lever de soleil", r"heure doree",
    r"neon", r"ombres?", r"contre-jour", r"nuit", r"crepuscule", r"ensoleille", r"tamisee", r"studio",
    r"light(?:ing)?", r"sunset", r"sunrise", r"golden hour", r"shadows?", r"backlit", r"night", r"soft light")
NEGATIVE = _cues(
    r"sans", r"pas de", r"aucun", r"aucune", r"evite[rsz]?", r"negati(?:f|ve)", r"prompt negatif", r"exclure",
    r"without", r"no", r"avoid", r"negative prompt", r"exclude")

TEXT_CRITERIA = ("instructions", "context", "input", "output_format", "clear", "contextual", "structured")

# The four parts keep the course's names (tutor.prompting.prompts); the qualities and image criteria:
LABELS = {
    "clear": Text("Clair", "Clear"), "contextual": Text("Contextuel", "Contextual"),
    "structured": Text("Bien structuré", "Well structured"),
    "subject": Text("Sujet", "Subject"), "style": Text("Style", "Style"), "composition": Text("Composition", "Composition"),
    "lighting": Text("Éclairage", "Lighting"), "negative": Text("Prompt négatif", "Negative prompt"),
} | {part: label for part, (label, _) in PART_LABELS.items()}


@dataclass
class Criterion:
    name: str
    met: bool
    reason: dict[str, str]  # fr / en

    def label(self, language: str) -> str:
        return LABELS[self.name].get(language)


@dataclass
class Rubric:
    kind: str  # text | image
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(c.met for c in self.criteria)

    @property
    def total(self) -> int:
        return len(self.criteria)

    def met(self, name: str) -> bool:
        return next(c.met for c in self.criteria if c.name == name)

    def missing(self) -> list[str]:
        return [c.name for c in self.criteria if not c.met]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "score": self.score, "total": self.total,
                "criteria": [asdict(c) for c in self.criteria]}


def is_image_prompt(text: str) -> bool:
    """A prompt that asks for a picture (rather than a text about pictures)."""
    folded = fold(text)
    if re.match(r"\s*(?:image|photo|illustration|dessin|picture|drawing)\s*:", folded):
        return True
    polite = r"\s*(?:(?:peux|pourrais)-tu |(?:can|could) you |please |je (?:veux|voudrais) |i want )?"
    asks = re.match(polite + r"(?:genere|cree|fais|imagine|generate|create|make|render)\w*[^.?!]{0,25}"
                    r"(?:image|photo|illustration|dessin|peinture|logo|affiche|picture|drawing|painting|poster)",
                    folded) or re.match(polite + r"(?:dessine|peins|draw|paint)\w*\s", folded)
    starts = re.match(r"\s*(?:une?|la|le|an?|the)?\s*(?:image|photo|illustration|dessin|peinture|aquarelle|picture|"
                      r"painting|drawing)\s+(?:de|d'|du|des|of)", folded)
    return bool(asks or starts)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", fold(text))


def score_text(text: str) -> Rubric:
    """The four parts and the three qualities of a text prompt, each with its reason."""
    folded = fold(text)
    words = _words(text)
    task = bool(TASK.search(folded))
    question = text.strip().endswith("?")
    parts = {
        "instructions": (task or question, ("la tâche est dite" + (" (une question : la tâche « répondre » reste implicite)"
                                                                 if question and not task else " explicitement"),
                                            "the task is stated" + (" (a question: the task is implicit)"
                                                                    if question and not task else " explicitly")),
                         ("aucune tâche n'est demandée (un verbe comme « explique », « résume », « liste »)",
                          "no task is asked for (a verb such as “explain”, “summarise”, “list”)")),
        "context": (bool(CONTEXT.search(folded)), ("il dit pour qui ou dans quel but", "it says for whom or why"),
                    ("rien ne dit pour qui, dans quel but ni à quel niveau", "nothing says for whom, why or at what level")),
        "input": (bool(INPUT.search(folded) or QUOTED.search(text)),
                  ("les informations à traiter sont données à part", "the material to work on is given separately"),
                  ("aucune donnée précise à traiter (un texte, un exemple, un sujet délimité)",
                   "no specific material to work on (a text, an example, a well-defined topic)")),
        "output_format": (bool(OUTPUT.search(folded)), ("le format attendu est précisé", "the expected format is stated"),
                          ("le format de la réponse n'est pas précisé (longueur, liste, tableau…)",
                           "the answer's format is not stated (length, list, table…)")),
    }
    criteria = [Criterion(name, met, {"fr": yes[0] if met else no[0], "en": yes[1] if met else no[1]})
                for name, (met, yes, no) in parts.items()]
    vague = VAGUE.search(folded)
    clear = task and len(words) >= 6 and not vague
    why_not = ("il contient des mots vagues (« " + vague.group() + " »)" if vague else
               "il est trop court pour dire précisément ce qui est attendu" if len(words) < 6 else
               "il ne formule pas la tâche avec un verbe d'action")
    why_not_en = (f"it contains vague words (“{vague.group()}”)" if vague else
                  "it is too short to say precisely what is expected" if len(words) < 6 else
                  "it does not state the task with an action verb")
    present = sum(c.met for c in criteria)
    lines = len([line for line in text.splitlines() if line.strip()])
    sentences = len(re.findall(r"[.!?:](?:\s|$)", text.strip() + " "))
    structured = present >= 3 and (lines >= 2 or sentences >= 2)
    criteria += [
        Criterion("clear", clear, {"fr": "la demande est précise" if clear else why_not,
                                   "en": "the request is precise" if clear else why_not_en}),
        Criterion("contextual", parts["context"][0], {
            "fr": "il donne le contexte utile" if parts["context"][0] else "il ne donne pas de contexte",
            "en": "it gives useful context" if parts["context"][0] else "it gives no context"}),
        Criterion("structured", structured, {
            "fr": f"{present} parties sur 4, organisées en phrases ou en lignes distinctes" if structured else
            f"{present} partie(s) sur 4" + ("" if present >= 3 else " : il en faut au moins 3") +
            ("" if lines >= 2 or sentences >= 2 else ", dans une seule phrase"),
            "en": f"{present} parts out of 4, in separate sentences or lines" if structured else
            f"{present} part(s) out of 4" + ("" if present >= 3 else ": at least 3 are needed") +
            ("" if lines >= 2 or sentences >= 2 else ", in a single sentence")}),
    ]
    return Rubric("text", criteria)


def score_image(text: str) -> Rubric:
    """What a text-to-image prompt needs: subject, style, composition, lighting, negative prompt."""
    folded = fold(text)
    descriptive = [w for w in _words(text) if len(w) > 3]
    checks = {
        "subject": (len(descriptive) >= 3, "le sujet de l'image est décrit", "the subject is described",
                    "le sujet est trop vague : qui ou quoi, et que fait-il ?",
                    "the subject is too vague: who or what, doing what?"),
        "style": (bool(STYLE.search(folded)), "le style est choisi", "a style is chosen",
                  "aucun style (photo réaliste, aquarelle, dessin animé…)", "no style (photo, watercolour, cartoon…)"),
        "composition": (bool(COMPOSITION.search(folded)), "le cadrage est indiqué", "the framing is given",
                        "aucune composition (gros plan, plan large, sujet au centre…)",
                        "no composition (close-up, wide shot…)"),
        "lighting": (bool(LIGHTING.search(folded)), "l'éclairage est indiqué", "the lighting is given",
                     "aucun éclairage (lumière douce, coucher de soleil, néon…)",
                     "no lighting (soft light, sunset, neon…)"),
        "negative": (bool(NEGATIVE.search(folded)), "il dit ce qu'il faut éviter", "it says what to avoid",
                     "aucun prompt négatif (ce qu'il faut éviter : texte, flou, déformations…)",
                     "no negative prompt (what to avoid: text, blur, distortions…)"),
    }
    return Rubric("image", [Criterion(name, met, {"fr": yes_fr if met else no_fr, "en": yes_en if met else no_en})
                            for name, (met, yes_fr, yes_en, no_fr, no_en) in checks.items()])


def score(text: str, kind: str = "auto") -> Rubric:
    """Score `text` as a text or an image prompt (`auto`: decided by `is_image_prompt`)."""
    if kind == "auto":
        kind = "image" if is_image_prompt(text) else "text"
    return score_image(text) if kind == "image" else score_text(text)
