"""Markdown tables as a small model writes them: with or without the outer pipes (both are GitHub-flavoured
Markdown), a header row, a separator row of dashes, then rows with sometimes a cell too many or too few.
Read into cells, and written back in one canonical form."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADER_WORDS = re.compile(r"(?i)[ée]l[ée]ments?|items?|explications?|explanations?|d[ée]finitions?|descriptions?")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    lines: int  # how many of the text's non-empty lines the table takes


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line))


def cells(line: str) -> list[str] | None:
    """The cells of a table row, with or without the outer pipes; None when the line is not a row."""
    if "|" not in line or is_separator(line):
        return None
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


def is_header(row: list[str]) -> bool:
    """A row of column names ("Élément | Explication"), as a model sometimes repeats it among the rows."""
    return all(_HEADER_WORDS.fullmatch(cell.strip(" *")) for cell in row if cell.strip()) and any(row)


def read(text: str) -> Table | None:
    """The first table of `text`: the row before the first separator is its header; the rows that follow
    (repeated header rows left out) are its body. None when there is no separator under a row."""
    lines = [line for line in text.splitlines() if line.strip()]
    for i in range(1, len(lines)):
        header = cells(lines[i - 1])
        if header is None or not is_separator(lines[i]):
            continue
        rows, end = [], i + 1
        while end < len(lines) and (row := cells(lines[end])) is not None:
            if any(row) and not is_header(row):
                rows.append(row)
            end += 1
        return Table([c for c in header if c] or header, rows, end - (i - 1))
    return None


def write(header: list[str], rows: list[list[str]]) -> str:
    """The canonical form: outer pipes, each row with the header's number of cells (extra cells joined into
    the last one, missing ones left empty), pipes inside a cell escaped as "/"."""
    width = max(len(header), 2)
    header = (header + [""] * width)[:width]

    def fit(row: list[str]) -> list[str]:
        row = [c.replace("|", "/") for c in row if c] or [""]
        if len(row) > width:
            row = row[:width - 1] + [" ".join(row[width - 1:])]
        return row + [""] * (width - len(row))

    lines = [header] + [["---"] * width] + [fit(row) for row in rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
