"""The prompt techniques the tutor demonstrates on itself: zero-shot, few-shot, chain of thought, role, formats.

A technique is a prompt file with a `technique:` name (prompts/answer.yaml is zero-shot, the others live in
prompts/techniques/). All of them take the answer prompt's variables, so the engine renders any of them the
same way, and what differs between two techniques is exactly what "Anatomie du prompt" shows.
"""

from __future__ import annotations

from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.prompting.prompts import PARTS, PromptFile, PromptFileError, PromptParts, part_label
from tutor.text import fold

DEFAULT = "zero-shot"


class UnknownTechnique(LearnerError):
    """A technique name that matches no prompt file; `known` lists the valid names."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        names = ", ".join(f"`{n}`" for n in known)
        super().__init__("unknown_technique", Text(
            f"Je ne connais pas la technique « {name} ». Techniques disponibles : {names}.",
            f"I don't know the technique “{name}”. Available techniques: {names}."),
            f"unknown technique {name!r} (known: {', '.join(known)})")


def techniques(prompts: dict[str, PromptFile]) -> dict[str, PromptFile]:
    """The technique prompt files by technique name, in teaching order. Checked: each takes exactly the
    answer prompt's variables, so the engine can render any of them."""
    found = sorted((p for p in prompts.values() if p.technique), key=lambda p: (p.order, p.technique))
    expected = set(prompts["answer"].variables)
    for prompt in found:
        if set(prompt.variables) != expected:
            raise PromptFileError(f"prompt {prompt.name}: a technique must declare the variables "
                                  f"{sorted(expected)}, not {sorted(prompt.variables)}")
    names = [p.technique for p in found]
    if len(set(names)) != len(names):
        raise PromptFileError(f"two prompt files declare the same technique: {names}")
    return {p.technique: p for p in found}


def _key(name: str) -> str:
    return fold(name.strip().replace("_", "-").replace(" ", "-"))


def resolve(table: dict[str, PromptFile], name: str | None) -> PromptFile:
    """The technique called `name` in `table` (from `techniques()`): its name, its prompt file's name or an
    alias; case and accents ignored."""
    wanted = _key(name or DEFAULT)
    for prompt in table.values():
        if wanted in {_key(prompt.technique), _key(prompt.name), *map(_key, prompt.aliases)}:
            return prompt
    raise UnknownTechnique(name or "", list(table))


def changed_parts(base: PromptParts, parts: PromptParts) -> list[str]:
    """The names of the parts that differ between two rendered prompts."""
    return [part for part in PARTS if getattr(base, part) != getattr(parts, part)]


def title(prompt: PromptFile, language: str) -> str:
    return (prompt.title_en if language == "en" and prompt.title_en else prompt.title)


def technique_note(prompt: PromptFile, changed: list[str], language: str) -> str:
    """One line: the technique used and how the prompt changed because of it."""
    change = prompt.change.get(language) or prompt.change.get("fr", "")
    line = NOTE.get(language, title=title(prompt, language), change=change)
    names = ", ".join(part_label(p, language) for p in changed)
    return line + (CHANGED.get(language, names=names) if changed else "")


NOTE = Text("Technique : {title} — {change}", "Technique: {title} — {change}")
CHANGED = Text(" Parties modifiées : {names}.", " Parts changed: {names}.")


def catalogue(table: dict[str, PromptFile], current: str, language: str) -> str:
    """The techniques of `table` as a Markdown list, the current one marked, with how to choose one."""
    lines = []
    for name, prompt in table.items():
        mark = " ✅" if name == current else ""
        about = prompt.change.get("en", "") if language == "en" else prompt.description
        lines.append(f"- `{name}` — **{title(prompt, language)}**{mark} : {about}")
    head = ("Techniques available (type `/technique NAME`, or use the settings panel; "
            "`/compare A B` answers with two of them):") if language == "en" else \
        ("Techniques disponibles (tapez `/technique NOM`, ou utilisez le panneau des réglages ; "
         "`/compare A B` répond avec deux d'entre elles) :")
    return "\n".join([head, *lines])
