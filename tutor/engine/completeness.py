"""Complete answers: when the question asks for what an extract enumerates, the answer gives every item.

A small model asked for "the techniques to improve a prompt" often names the first one only, or none ("a
foundation model can perform various downstream tasks"). When an extract holds a definition list ("- **terme**
: ...") and the question is about the list as a whole, the items the answer left out are added, quoted from
the extract (term and description) and cited. The question is about the list when it shares more words with
the list's heading and lead than with any single item, and:
- the answer cites the extract and already names one of its items, or
- the question names everything the list's section heading says ("Les tâches en aval d'un modèle de base"),
  and the heading and lead hold nearly all of its words (those that name the course, "le cours cite", and
  those that ask for the list's size or kind, "combien de types", aside): then the extract may be
  uncited, the answer may name none of the items, and the whole list is given with its count ("Le cours
  en cite cinq : ..."), which also answers "combien". So is an answer that points at the list by its
  heading without giving it ("diverses tâches en aval"). A question typed without its apostrophes
  ("lextraction dinformations") is read as the course writes it.
A question that names one of the items (its term) is about that item.

A yes/no answer that only restates the question ("Oui, les LLM peuvent résumer des gros documents [1].") gets
the sentence of its cited extract that says it, in the course's words: the learner sees what the verdict
rests on, and the detail the question did not name ("… en quelques phrases").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tutor.engine.citations import course_words
from tutor.engine.claims import aligned
from tutor.engine.draft import SOURCE_WORDS, restates
from tutor.i18n import Text
from tutor.text import analyze, fold, unglue

_ENTRY = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*\*\*(?P<term>[^*]{2,80})\*\*[^:\n]*:\s*(?P<desc>.+?)\s*$")
_BOLD = re.compile(r"\*\*([^*]{2,80})\*\*")
ALSO = Text("Le cours en cite aussi :", "The course also lists:")
ALL = Text("Le cours en cite {count} :", "The course lists {count}:")
SAYS = Text("Le cours dit :", "The course says:")
COUNTS = {"fr": "deux trois quatre cinq six sept huit neuf dix".split(),
          "en": "two three four five six seven eight nine ten".split()}
OWN_WORDS = 0.8  # the share of the question's words a list's heading and lead must hold, uncited or unnamed
# Words that ask for a list's size or kind ("combien de types de tâches"), not for its subject: they do not
# count against the heading.
KIND_WORDS = frozenset(analyze("combien type genre catégorie liste nombre how many kinds categories list number"))
# Words with which an answer points at a list without giving it ("diverses tâches en aval", "several parts").
VAGUE = frozenset("divers diverses differents differentes plusieurs nombreux nombreuses multiples various several "
                  "many multiple different".split())


def entries(text: str) -> list[tuple[str, str]]:
    return [(m.group("term").strip(), m.group("desc").strip()) for m in map(_ENTRY.match, text.splitlines()) if m]


def lead(text: str) -> str:
    """The lines of an extract before its list: its section heading (not the lesson's title) and lead."""
    lines = []
    for line in text.splitlines():
        if _ENTRY.match(line):
            break
        lines.append(line)
    if lines and " — " in lines[0]:
        lines[0] = lines[0].split(" — ", 1)[1]
    return " ".join(lines)


def heading(text: str) -> str:
    """The extract's section heading ("Lesson — Section > Subsection" -> "Section > Subsection")."""
    first = text.split("\n", 1)[0]
    return first.split(" — ", 1)[1] if " — " in first else ""


def said(phrase: str, answer_words: set[str], answer_folded: str) -> bool:
    words = set(analyze(phrase))
    return fold(phrase) in answer_folded or (bool(words) and words <= answer_words)


def mentioned(term: str, description: str, answer_words: set[str], answer_folded: str) -> bool:
    """The answer names the item: its term, or a phrase its description puts in bold ("**une tâche
    unique**"), or most of a description that has no bold phrase."""
    if said(term, answer_words, answer_folded):
        return True
    if key := _BOLD.findall(description):
        return any(said(phrase, answer_words, answer_folded) for phrase in key)
    words = set(analyze(description))
    return len(words & answer_words) >= max(3, 2 * len(words) // 3)


def plain(text: str) -> str:
    return _BOLD.sub(r"\1", text).rstrip(" ;.")


def count_word(n: int, language: str) -> str:
    words = COUNTS.get(language, COUNTS["fr"])
    return words[n - 2] if 2 <= n <= len(words) + 1 else str(n)


def complete(question: str, answer: str, extracts: list[str], cited: list[int], language: str,
             translate: Callable[[str], str | None] | None = None,
             before_last_line: bool = False) -> tuple[str, list[int]]:
    """The answer with the missing items of the enumeration it answers from, and the extracts it now cites;
    `translate` (optional) gives an item in the learner's language when it is not the course's (the item
    stays as the course writes it when no translation holds). `before_last_line`: the items go before the
    answer's last line (the question that ends a "check_question" answer stays last)."""
    vocabulary = set().union(*(analyze(text) for text in extracts)) if extracts else set()
    question = unglue(question, vocabulary)  # "lextraction dinformations" names the item as the course does
    question_words = set(analyze(question)) - SOURCE_WORDS - KIND_WORDS
    if not question_words:
        return evidenced(question, answer, extracts, cited, language, translate), cited
    answer_words, answer_folded = set(analyze(answer)), fold(answer)
    order = list(cited) + [n for n in range(1, len(extracts) + 1) if n not in cited]
    for n in order:
        items = entries(extracts[n - 1])
        if len(items) < 2:
            continue
        found = [mentioned(t, d, answer_words, answer_folded) for t, d in items]
        if all(found):
            continue
        titled = set(analyze(heading(extracts[n - 1])))
        # The answer points at the list by its heading and gives none of it ("diverses tâches en aval").
        pointed = len(titled) >= 3 and titled <= answer_words and not any(found) and bool(VAGUE & set(answer_folded.split()))
        on_list = len(question_words & set(analyze(lead(extracts[n - 1]))))
        on_item = max(len(question_words & set(analyze(f"{t} {d}"))) for t, d in items)
        if (on_list <= on_item and not pointed) or any(said(t, question_words, fold(question)) for t, _ in items):
            continue  # the question is about one item, not the list
        own = pointed or (bool(titled) and titled <= question_words and on_list >= OWN_WORDS * len(question_words))
        if not own and (n not in cited or not any(found)):
            continue
        missing = [f"{plain(t)} : {plain(d)}" for (t, d), ok in zip(items, found) if own or not ok]
        missing = [(translate and translate(item)) or item for item in missing]
        opening = ALL.get(language, count=count_word(len(items), language)) if own else ALSO.get(language)
        quote = "« {} »" if language != "en" else "“{}”"
        lines = "\n".join(f"- {quote.format(item)} [{n}]" for item in missing)
        added = f"{opening}\n{lines}"
        body, _, last = answer.rstrip().rpartition("\n")
        completed = f"{body.rstrip()}\n\n{added}\n\n{last}" if before_last_line and body.strip() else \
            f"{answer.rstrip()}\n\n{added}"
        return completed, cited if n in cited else [*cited, n]
    return evidenced(question, answer, extracts, cited, language, translate), cited


def evidenced(question: str, answer: str, extracts: list[str], cited: list[int], language: str,
              translate: Callable[[str], str | None] | None = None) -> str:
    """`answer`, when it only restates the yes/no `question`, with the sentence of its first cited extract that
    shares the most words with the question (two at least), quoted and cited; as it was when that sentence
    adds nothing to it, or has no translation that holds."""
    if not cited or not restates(question, answer):
        return answer
    n, asked = cited[0], set(analyze(question)) - SOURCE_WORDS
    text = extracts[n - 1]
    best = next((u for u in aligned(question, text, 3) if course_words(u, text)), "")
    sentence = course_words(best, text) if len(asked & set(analyze(best))) >= 2 else None
    if not sentence or not set(analyze(sentence)) - set(analyze(answer)) - asked:
        return answer
    sentence = translate(sentence) if translate else sentence
    quote = "« {} »" if language != "en" else "“{}”"
    return f"{answer.rstrip()}\n\n{SAYS.get(language)} {quote.format(sentence.rstrip(' .'))} [{n}]." if sentence else answer
