"""The prompt lab: a learner's prompt scored by the course's rubric, reviewed by the model, improved, then
both versions run and shown side by side; turn after turn the score goes up or not.

`PromptLab.stream()` yields the engine's event types as each stage ends: `Stage` ("rubric", "review",
"image", "image_error"), `Token`s on channel "original" or "improved" while both prompts run, then one
`Done` holding the `LabRound`. The chat, `tutor prompt-lab` and the tests all call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tutor.engine.events import Done, Event, Stage, Token
from tutor.engine.input import clean_question
from tutor.i18n import SUPPORTED, detect_language
from tutor.prompting.prompts import PromptParts, language_rule
from tutor.prompting.rubric import VAGUE, Rubric, score
from tutor.providers.images import ImageError, make_image_generator
from tutor.text import fold

REVIEW_TOKENS = 300
RUN_TOKENS = 250

# What each added criterion teaches, in the course's own terms.
WHY = {
    "instructions": ("Clarifier la demande : la tâche est dite avec un verbe d'action.",
                     "Clarify the request: the task is stated with an action verb."),
    "context": ("Un bon prompt est contextuel : il dit pour qui et dans quel but.",
                "A good prompt is contextual: it says for whom and why."),
    "input": ("Clarifier la demande : les informations précises à traiter sont données à part.",
              "Clarify the request: the specific material to work on is given separately."),
    "output_format": ("Clarifier la demande : le format de la sortie (longueur, forme) est précisé.",
                      "Clarify the request: the output format (length, shape) is stated."),
    "clear": ("Clarifier la demande : les mots vagues laissent la place à une demande précise.",
              "Clarify the request: vague words give way to a precise request."),
    "structured": ("Un bon prompt est bien structuré : chaque partie a sa ligne.",
                   "A good prompt is well structured: each part has its own line."),
    "subject": ("Clarifier la demande : le sujet dit qui ou quoi, et ce qu'il fait.",
                "Clarify the request: the subject says who or what, doing what."),
    "style": ("Clarifier la demande : le style guide le rendu.", "Clarify the request: the style guides the rendering."),
    "composition": ("Clarifier la demande : la composition fixe le cadrage.",
                    "Clarify the request: the composition sets the framing."),
    "lighting": ("Clarifier la demande : l'éclairage donne l'ambiance.", "Clarify the request: lighting sets the mood."),
    "negative": ("Le prompt négatif dit ce que l'image doit éviter.", "The negative prompt says what the image must avoid."),
    "examples": ("Fournir des exemples : un exemple montre au modèle la réponse attendue.",
                 "Give examples: an example shows the model the expected answer."),
}
RETRY = ("Ajuster et réessayer : comparez les deux résultats, modifiez votre prompt et renvoyez-le avec `/prompt`.",
         "Adjust and retry: compare both results, change your prompt and send it again with `/prompt`.")

# Lines the template adds for what is missing (French, English).
ADDITIONS = {
    "instructions": ("Instructions : explique clairement ce qui suit.", "Instructions: explain the following clearly."),
    "context": ("Contexte : je débute et je suis le cours « Comment fonctionne l'IA générative » ; je veux une "
                "explication sans jargon.", "Context: I am a beginner following the course \"Comment fonctionne "
                "l'IA générative\"; I want an explanation without jargon."),
    "input": ("Données d'entrée : le sujet à traiter est « {subject} ».", "Input data: the topic is \"{subject}\"."),
    "output_format": ("Format de sortie : trois à cinq phrases courtes, puis un exemple concret.",
                      "Output format: three to five short sentences, then one concrete example."),
    "subject": ("Sujet : précisez qui ou quoi, en train de faire quoi, et où.",
                "Subject: say who or what, doing what, and where."),
    "style": ("Style : illustration numérique détaillée, couleurs douces.",
              "Style: detailed digital illustration, soft colours."),
    "composition": ("Composition : plan moyen, sujet au centre.", "Composition: medium shot, subject centred."),
    "lighting": ("Éclairage : lumière douce de fin de journée.", "Lighting: soft late-afternoon light."),
    "negative": ("Prompt négatif : texte, filigrane, flou, déformations.",
                 "Negative prompt: text, watermark, blur, distortions."),
}
_EXAMPLE = re.compile(r"\b(?:exemples?|examples?)\s*:|\bpar exemple\b|\bfor example\b")
_NEGATIVE_LINE = re.compile(r"^\s*(?:prompt n[ée]gatif|n[ée]gatif|[àa] [ée]viter|negative prompt|avoid)\s*:\s*(.+)$",
                            re.I | re.M)


@dataclass
class LabRound:
    prompt: str
    language: str
    rubric: Rubric
    attempt: int = 1
    previous_score: int | None = None
    critique: str = ""
    improved: str = ""
    improved_by: str = ""  # model | template
    improved_rubric: Rubric | None = None
    changes: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    image_note: str = ""

    def as_dict(self) -> dict:
        return {"prompt": self.prompt, "language": self.language, "kind": self.rubric.kind,
                "attempt": self.attempt, "previous_score": self.previous_score, "rubric": self.rubric.as_dict(),
                "critique": self.critique, "improved": self.improved, "improved_by": self.improved_by,
                "improved_rubric": self.improved_rubric.as_dict() if self.improved_rubric else None,
                "changes": self.changes, "answers": self.answers,
                "images": {k: len(v) for k, v in self.images.items()}, "image_note": self.image_note}


def findings(rubric: Rubric, language: str) -> str:
    """The rubric as lines for the model (and for people): ✔/✘ criterion — reason."""
    key = "en" if language == "en" else "fr"
    return "\n".join(f"{'✔' if c.met else '✘'} {c.label(language)} — {c.reason[key]}" for c in rubric.criteria)


def improve_with_template(text: str, rubric: Rubric, language: str) -> str:
    """The learner's prompt, vague words replaced, plus one labelled line for each missing part."""
    en = language == "en"
    body = re.sub(VAGUE.pattern, "the key points" if en else "les points essentiels", text.strip(), flags=re.I)
    subject = re.sub(r"^\W*(?:\w+[- ]moi|dis|explique|parle|tell me|explain)\w*\s+(?:(?:les points essentiels|the key "
                     r"points|tout)\s+)?(?:(?:de|du|des|sur|about|on)\s+)?", "", body.rstrip(" ?.!"), flags=re.I)
    subject = re.split(r"\s(?:à|en|pour|for|to|in)\s|[,.;:\n]", subject, maxsplit=1)[0].strip()
    added = [ADDITIONS[name][1 if en else 0].format(subject=subject or body)
             for name in rubric.missing() if name in ADDITIONS]
    # A missing task goes first, as the course orders the parts; the other parts follow the learner's text.
    return "\n".join(added[:1] + [body] + added[1:] if "instructions" in rubric.missing() else [body] + added)


def split_negative(prompt: str) -> tuple[str, str]:
    """(what to draw, what to avoid) from an image prompt's "Prompt négatif :" line."""
    match = _NEGATIVE_LINE.search(prompt)
    if not match:
        return prompt.strip(), ""
    return (prompt[:match.start()] + prompt[match.end():]).strip(), match.group(1).strip()


def parse_review(text: str) -> tuple[str, str]:
    """(critique, improved prompt) from the model's reply; empty strings for what it did not give."""
    match = re.search(r"critique\s*:\s*(.*?)\n\s*\**\s*(?:prompt am[ée]lior[ée]|improved prompt)\s*\**\s*:\s*\**\s*(.*)",
                      text, re.S | re.I)
    if not match:
        return text.strip().removeprefix("Critique :").strip(), ""
    improved = match.group(2).strip().strip("«»\"“”*` \n")
    return match.group(1).strip().strip("* "), improved


class PromptLab:
    """Runs lab rounds with the tutor's own model (and the image model, when one is configured)."""

    def __init__(self, tutor, image_client=None):
        self.tutor = tutor
        self.image_client = image_client

    def stream(self, text: str, *, language: str | None = None, kind: str = "auto",
               previous: LabRound | None = None) -> Iterator[Event]:
        """Raises `QuestionError` for an empty or oversized prompt and `TutorError` when the model fails."""
        prompt = clean_question(text)
        language = language if language in SUPPORTED else detect_language(prompt)
        rubric = score(prompt, kind)
        if previous is not None and previous.rubric.kind != rubric.kind:
            previous = None  # a text score and an image score do not compare
        result = LabRound(prompt, language, rubric, attempt=(previous.attempt + 1) if previous else 1,
                          previous_score=previous.rubric.score if previous else None)
        yield Stage("rubric", data=rubric)

        review = self.tutor.prompts["lab-review"].render(
            language_rule=language_rule(language), findings=findings(rubric, language), prompt=prompt)
        result.critique, proposal = parse_review("".join(self.tutor.llm.stream(review.messages(),
                                                                                max_tokens=REVIEW_TOKENS)))
        template = improve_with_template(prompt, rubric, language)
        candidates = [(score(proposal, rubric.kind), proposal, "model")] if proposal and len(proposal) < 2000 else []
        candidates.append((score(template, rubric.kind), template, "template"))
        # The model's version wins when the rubric rates it at least as high as the template's.
        best = max(candidates, key=lambda c: (c[0].score, c[2] == "model"))
        result.improved_rubric, result.improved, result.improved_by = best
        key = 1 if language == "en" else 0
        gained = [c.name for c in result.improved_rubric.criteria if c.met and c.name in rubric.missing()]
        result.changes = [WHY[name][key] for name in gained if name in WHY and name != "contextual"]
        if _EXAMPLE.search(fold(result.improved)) and not _EXAMPLE.search(fold(prompt)):
            result.changes.append(WHY["examples"][key])
        result.changes.append(RETRY[key])
        yield Stage("review", text=result.critique)

        if rubric.kind == "image":
            yield from self._draw(result)
        else:
            for which, text_ in (("original", prompt), ("improved", result.improved)):
                answer = ""
                messages = PromptParts("", "", text_, "").messages()
                for token in self.tutor.llm.stream(messages, max_tokens=RUN_TOKENS):
                    answer += token
                    yield Token(token, which)
                result.answers[which] = answer.strip()
        yield Done(result)

    def _draw(self, result: LabRound) -> Iterator[Event]:
        try:
            generator = make_image_generator(self.tutor.settings, client=self.image_client)
            for which, text in (("original", result.prompt), ("improved", result.improved)):
                result.images[which] = generator.generate(*split_negative(text))
                yield Stage("image", data=result.images[which], channel=which)
        except ImageError as exc:
            result.image_note = exc.message(result.language)
            yield Stage("image_error", text=result.image_note)

