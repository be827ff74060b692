"""Prompt files (`prompts/*.yaml`): loaded and checked at start-up, rendered into the four named parts.

Each file declares its variables; a template may use only those, and must use each one. Values are
inserted once with `str.format_map`, so learner text such as `{system}` is data, never a placeholder.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, ValidationError

from tutor.i18n import Text
from tutor.paths import PROMPTS_DIR

REQUIRED = ("answer", "answerable", "decline", "retry", "translate")
PARTS = ("instructions", "context", "input", "output_format")

# The course's names for the four parts, with what each one does (shown in "Anatomie du prompt").
PART_LABELS: dict[str, tuple[Text, Text]] = {
    "instructions": (Text("Instructions", "Instructions"),
                     Text("La tâche à accomplir et les règles à suivre.", "The task to carry out and the rules to follow.")),
    "context": (Text("Contexte", "Context"),
                Text("Les informations qui guident la réponse : ici, les extraits du cours.",
                     "Information that guides the answer: here, the course extracts.")),
    "input": (Text("Données d'entrée", "Input data"),
              Text("Les informations précises à traiter : votre question.",
                   "The specific information to work on: your question.")),
    "output_format": (Text("Sortie", "Output"), Text("Le format attendu de la réponse.", "The expected format of the answer.")),
}
LANGUAGE_RULE = Text("Réponds en français.", "Answer in English.")


def part_label(part: str, language: str) -> str:
    """The course's name of a prompt part ("Données d'entrée"), in the learner's language."""
    return PART_LABELS[part][0].get(language)


def part_role(part: str, language: str) -> str:
    return PART_LABELS[part][1].get(language)


def language_rule(language: str) -> str:
    """The sentence that tells the model which language to answer in."""
    return LANGUAGE_RULE.get(language)


class PromptFileError(ValueError):
    """A prompt file that cannot be used; the message names the file and the reason."""


class PromptFile(BaseModel):
    """One prompt file. Unknown keys are errors, so a typo never goes unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    description: str
    variables: list[str]
    instructions: str
    output_format: str
    context: str
    input: str
    messages: dict[str, str] = {}
    # Technique files (see techniques.py) add these.
    technique: str | None = None  # the name learners type: /technique few-shot
    title_en: str = ""
    order: int = 99
    aliases: list[str] = []
    change: dict[str, str] = {}  # per language: how this prompt differs from the zero-shot one
    output: Literal["text", "json"] = "text"
    # What the answer's shape promises, checked by code (tutor.prompting.promises): short, list, table,
    # json, steps or check_question.
    promise: Literal["short", "list", "table", "json", "steps", "check_question"] = "short"

    def templates(self) -> dict[str, str]:
        return {part: getattr(self, part) for part in PARTS} | {f"messages.{k}": v for k, v in self.messages.items()}

    def render(self, **values: str) -> PromptParts:
        """The four parts with `values` inserted; exactly the declared variables must be given."""
        given, declared = set(values), set(self.variables)
        if given != declared:
            raise KeyError(f"prompt {self.name}: expected variables {sorted(declared)}, got {sorted(given)}")
        return PromptParts(**{part: getattr(self, part).format_map(values).strip() for part in PARTS})

    def message(self, key: str, **values: str) -> str:
        return self.messages[key].format_map(values).strip()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def load_prompt(path: Path) -> PromptFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        prompt = PromptFile.model_validate(data)
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
        raise PromptFileError(f"{path}: {exc}") from None
    used: set[str] = set()
    for part, template in prompt.templates().items():
        try:
            names = placeholders(template)
        except ValueError as exc:
            raise PromptFileError(f"{path}: {part}: {exc} (write literal braces as {{{{ }}}})") from None
        unknown = names - set(prompt.variables)
        if unknown:
            raise PromptFileError(f"{path}: {part} uses undeclared variables {sorted(unknown)}")
        used |= names
    unused = set(prompt.variables) - used
    if unused:
        raise PromptFileError(f"{path}: declared variables never used: {sorted(unused)}")
    if prompt.name != path.stem:
        raise PromptFileError(f"{path}: name '{prompt.name}' must match the file name '{path.stem}'")
    return prompt


def load_prompts(directory: Path = PROMPTS_DIR) -> dict[str, PromptFile]:
    """Every prompt file under `directory` (techniques included), checked; missing required ones are errors."""
    prompts = {}
    for path in sorted(directory.rglob("*.yaml")):
        prompt = load_prompt(path)
        prompts[prompt.name] = prompt
    missing = [name for name in REQUIRED if name not in prompts]
    if missing:
        raise PromptFileError(f"{directory}: missing prompt files {', '.join(f'{m}.yaml' for m in missing)}")
    return prompts


HISTORY = Text("Échanges précédents :", "Previous exchanges:")
SPEAKERS = {"user": Text("Apprenant : {said}", "Learner: {said}"), "assistant": Text("Tuteur : {said}", "Tutor: {said}")}


@dataclass
class PromptParts:
    """A rendered prompt as the course's four parts; `messages()` is exactly what the model receives."""

    instructions: str
    context: str
    input: str
    output_format: str
    history: list[dict] = field(default_factory=list)
    language: str = "fr"  # of the history's labels

    def system_text(self) -> str:
        return "\n\n".join(p for p in (self.instructions, self.output_format) if p)

    def history_text(self) -> str:
        lines = [SPEAKERS[t["role"]].get(self.language, said=t["content"]) for t in self.history if t["role"] in SPEAKERS]
        return "\n".join([HISTORY.get(self.language), *lines]) if lines else ""

    def user_text(self) -> str:
        return "\n\n".join(p for p in (self.context, self.history_text(), self.input) if p)

    def messages(self) -> list[BaseMessage]:
        # Fixed parts first (instructions, format), then the extracts, so that a local model reuses their
        # reading across questions (tutor.engine.starts); the conversation so far comes after the extracts,
        # just before the question it explains, so that a follow-up shares that start too.
        system = self.system_text()
        return ([SystemMessage(system)] if system else []) + [HumanMessage(self.user_text())]  # a raw prompt has none

    def as_dict(self) -> dict:
        return {
            "parts": [
                {"name": part, "label": part_label(part, "fr"), "role": part_role(part, "fr"),
                 "text": getattr(self, part)}
                for part in PARTS
            ],
            "history": self.history,
            "messages": [{"role": m.type, "content": str(m.content)} for m in self.messages()],
        }
