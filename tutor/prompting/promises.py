"""What each prompt technique promises, in a form code can check, and the repair when the model does not
keep the promise (a small model often writes a plain sentence where a list was asked).

    short            1-4 sentences (zero-shot, few-shot)
    list             a Markdown bulleted list of 2-5 items, nothing around it
    table            a Markdown table with a header row and 2-5 rows
    json             a JSON object with the keys "reponse" and "points_cles" (tutor.engine.formats)
    steps            numbered reasoning steps, then a line "Réponse : ..."
    check_question   the answer ends with a question that checks the learner understood

Repairs only move or quote what the answer and its extracts already say, so citations stay valid.
"""

from __future__ import annotations

import json
import re

from tutor.engine.formats import parse_json_answer
from tutor.i18n import Text
from tutor.prompting import tables
from tutor.text import fold, strip_citations

PROMISES = ("short", "list", "table", "json", "steps", "check_question")
# A sentence ends at its punctuation, with the closing quotation mark and the citation that follow it:
# « La clé est d'être clair. » [3] is one sentence, not « La clé est d'être clair. and » [3].
_END = re.compile(r"[.!?…]+(?:\s*[»”])?(?:\s*\[\d{1,2}(?:\s*[,;]\s*\d{1,2})*\])?\.?(?=\s|$)")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORDS = re.compile(r"[a-z0-9]{4,}")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_BARE_REPLY = re.compile(r"(?i)oui|non|yes|no|si|exact|vrai|faux|true|false")  # not an item on its own
_LABEL_ONLY = re.compile(r"^\W*\d+\W*$|.*\?\s*$")  # a row's number, or the question repeated as its label
_STEP = re.compile(r"^\s*(\d+)[.)]\s+\S")
_ANSWER_LINE = re.compile(r"^\s*\**\s*(?:réponse|answer)\s*\**\s*:", re.I | re.M)
TABLE_HEAD = Text("Élément|Explication", "Item|Explanation")
REASONING = Text("Raisonnement :", "Reasoning:")
ANSWER = Text("Réponse :", "Answer:")
CHECK = Text("Pour vérifier que tu as compris : peux-tu expliquer avec tes mots « {section} » ?",
             "To check you understood: can you explain “{section}” in your own words?")


def segments(line: str) -> list[str]:
    """The sentences of one line of text."""
    out, start = [], 0
    for end in _END.finditer(line):
        out.append(line[start:end.end()].strip())
        start = end.end()
    return [piece for piece in out + [line[start:].strip()] if piece]


def sentences(text: str) -> list[str]:
    """The answer's sentences, list markers, table pipes and step labels removed."""
    out = []
    for line in text.splitlines():
        if tables.is_separator(line) or _ANSWER_LINE.match(line) and not line.split(":", 1)[1].strip():
            continue
        row = tables.cells(line)
        if row is not None:
            out += [] if tables.is_header(row) else _row_sentences(row)
            continue
        line = _ANSWER_LINE.sub("", _BULLET.sub("", line)).strip()
        if re.fullmatch(r"(?i)(raisonnement|reasoning)\s*:?", line):
            continue
        out += segments(line)
    return out


def kept(answer: str, promise: str) -> bool:
    """Whether the answer keeps the technique's promise."""
    lines = [line for line in answer.strip().splitlines() if line.strip()]
    if promise == "short":
        return 1 <= len(sentences(answer)) <= 4
    if promise == "list":
        return 2 <= len(lines) <= 5 and all(_BULLET.match(line) and not re.match(r"\s*\d", line) for line in lines)
    if promise == "table":
        table = tables.read(answer)
        return table is not None and table.lines == len(lines) == len(table.rows) + 2 \
            and all(_ROW.match(line) for line in lines) and len(table.header) >= 2 and 2 <= len(table.rows) <= 5 \
            and all(len(row) == len(table.header) and row[-1] for row in table.rows)
    if promise == "json":
        return parse_json_answer(answer) is not None
    if promise == "steps":
        steps = [line for line in lines if _STEP.match(line)]
        answer_lines = [line for line in lines if _ANSWER_LINE.match(line) and line.split(":", 1)[1].strip()]
        return len(steps) >= 2 and len(answer_lines) == 1 and lines.index(answer_lines[0]) > lines.index(steps[-1])
    if promise == "check_question":
        return lines[-1].rstrip().endswith("?") if lines else False
    return True


BROKEN = {
    "short": Text("il faut une à quatre phrases", "it must be one to four sentences"),
    "list": Text("il faut une liste de deux à cinq lignes, chacune commençant par « - », sans texte autour",
                 "it must be a list of two to five lines, each starting with \"- \", with no text around it"),
    "table": Text("il faut un tableau Markdown : une ligne d'en-tête, une ligne de tirets, puis deux à cinq lignes, "
                  "chacune entre barres verticales",
                  "it must be a Markdown table: a header row, a row of dashes, then two to five rows, each "
                  "between pipes"),
    "json": Text("il faut un seul objet JSON valide avec les clés \"reponse\" et \"points_cles\"",
                 "it must be a single valid JSON object with the keys \"reponse\" and \"points_cles\""),
    "steps": Text("il faut des étapes numérotées (1., 2., …), puis une dernière ligne « Réponse : … »",
                  "it must be numbered steps (1., 2., …), then a last line \"Answer: …\""),
    "check_question": Text("il faut terminer par une courte question qui vérifie que l'apprenant a compris",
                           "it must end with a short question that checks the learner understood"),
}
_COUNT = Text("elle a {n} point(s) ; {what}", "it has {n} point(s); {what}")


def broken(answer: str, promise: str, language: str) -> str:
    """What the answer misses of its promise, for the model's second attempt (in the learner's language)."""
    what = BROKEN[promise].get(language)
    items = [line for line in answer.splitlines() if _BULLET.match(line)]
    if promise == "list" and items and len(items) == len([line for line in answer.splitlines() if line.strip()]):
        return _COUNT.get(language, n=len(items), what=what)
    return what


def repair(answer: str, promise: str, language: str, section: str = "", course: list[str] = ()) -> str:
    """The answer reshaped to keep the promise, from its own sentences (with their citations). A list or a
    table needs two items: when the answer has one fact only, the next comes from `course`, the cited
    extract's own sentences (each with its citation), never invented."""
    parts = sentences(answer)
    if not parts or kept(answer, promise):
        return answer
    if promise == "short":
        return " ".join(parts[:4])
    if promise == "list":
        return "\n".join(f"- {item}" for item in _two_or_more(parts, course))
    if promise == "table":
        table = tables.read(answer)
        rows = [row for row in table.rows if _says_something(row)] if table is not None else []
        if table is not None and len(table.header) >= 2 and len(rows) >= 2:
            return tables.write(table.header, rows[:5])  # the model's own table, in the canonical form
        return tables.write(TABLE_HEAD.get(language).split("|"), [_row(part) for part in _two_or_more(parts, course)])
    if promise == "json":
        return "```json\n" + json.dumps({"reponse": " ".join(parts[:3]), "points_cles": parts[:5]},
                                        ensure_ascii=False, indent=2) + "\n```"
    if promise == "steps":
        steps = parts[:-1] if len(parts) > 2 else _split_items(parts) if len(parts) == 1 else parts
        lines = [REASONING.get(language)] + [f"{i}. {s}" for i, s in enumerate(steps[:3], 1)]
        return "\n".join(lines + ["", f"{ANSWER.get(language)} {parts[-1]}"])
    if promise == "check_question":
        body = "\n".join(line for line in answer.strip().splitlines() if line.strip())
        return f"{body}\n\n{CHECK.get(language, section=section or '…')}"
    return answer


def _two_or_more(parts: list[str], course: list[str]) -> list[str]:
    """Two to five items: the answer's own, then the course's next sentences when it had one only."""
    items = _split_items(parts)[:5]
    return items + [s for s in course if not _repeats(s, items)][:max(0, 2 - len(items))]


def _says_something(row: list[str]) -> bool:
    """A row with words beyond citation markers, and not the learner's question repeated."""
    words = strip_citations(" ".join(row)).strip(" .")
    return bool(_WORDS.search(fold(words))) and not (len([c for c in row if c.strip()]) == 1 and words.endswith("?"))


def _split_items(parts: list[str]) -> list[str]:
    """At least two items: a single sentence is cut at its enumeration ("A, B et C [1]")."""
    if len(parts) >= 2:
        return parts
    sentence = parts[0]
    marks = re.findall(r"\s*\[\d+\]", sentence)
    body = re.sub(r"\s*\[\d+\]", "", sentence).rstrip(" .")
    pieces = [p.strip(" ,;.") for p in re.split(r"\s*[;,]\s*|\s+et\s+|\s+and\s+", body)
              if len(p.strip()) > 2 and not _BARE_REPLY.fullmatch(p.strip(" ,;.!"))]
    if len(pieces) < 2:
        return [sentence]
    tag = "".join(dict.fromkeys(m.strip() for m in marks))
    return [f"{p} {tag}".strip() for p in pieces]


def _repeats(sentence: str, items: list[str]) -> bool:
    """The sentence says mostly what an item already says (its words are mostly there)."""
    words = set(_WORDS.findall(fold(sentence)))
    return any(len(words & set(_WORDS.findall(fold(item)))) >= 0.6 * max(len(words), 1) for item in items)


def _row(sentence: str) -> list[str]:
    """A table row: the sentence's subject (before "est", "sont" or a colon) and what it says of it."""
    match = re.match(r"(.{3,60}?)\s*(:|\s(?:est|sont|is|are|permet|peut|désigne)\s)(.+)", sentence)
    if match is None:
        element, explanation = " ".join(sentence.split()[:4]), sentence
    else:  # "Clair : il dit..." keeps what follows the colon; "Un prompt est..." the whole sentence
        element, explanation = match.group(1), match.group(3) if match.group(2) == ":" else match.group(0)
    return [element.replace("**", "").strip(" *"), explanation.strip()]


def _row_sentences(row: list[str]) -> list[str]:
    """A table row's sentences: its label kept before a one-sentence explanation ("Clair : il dit..."); a
    number or the question repeated as a label is left out, and a longer explanation gives its sentences."""
    label = " ".join(c for c in row[:-1] if c and not _LABEL_ONLY.match(c))
    pieces = segments(row[-1]) if row else []
    if not pieces:
        return [label] if label else []
    return [f"{label} : {pieces[0]}"] if label and len(pieces) == 1 else pieces
