"""What the chat shows for prompt engineering: "Anatomie du prompt", technique notes, comparisons, lab rounds.

Pure functions from engine results to Markdown and element props, in French first (English when the
learner writes in English), so the chat handlers stay thin and the CLI can print the same text.
"""

from __future__ import annotations

from tutor.engine.result import TutorResult
from tutor.i18n import Text
from tutor.prompting.lab import LabRound, findings
from tutor.prompting.prompts import PARTS, part_label, part_role

# The lesson sections that teach what these views show (chunk ids in the index).
PARTS_SECTION = "prompts#la-structure-d-un-prompt-quatre-parties"
QUALITIES_SECTION = "ingenierie-de-prompt#ce-qui-fait-un-bon-prompt"


def fenced(text: str) -> str:
    """`text` verbatim in a code block whose fence cannot occur inside it."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


def anatomy(question: str, prompt: dict, technique_note: str, lesson_name: str | None, language: str) -> str:
    """The exact prompt behind an answer (`TutorResult.prompt`), in the course's four parts, verbatim."""
    en = language == "en"
    if not prompt:
        return ("This reply did not use the model (the question was declined before any prompt was built), so "
                "there is no prompt to show." if en else
                "Cette réponse n'a pas utilisé le modèle (la question a été écartée avant tout prompt) : il n'y a "
                "donc pas de prompt à montrer.")
    where = f" ({lesson_name})" if lesson_name else ""
    lines = [f"### {'Anatomy of the prompt' if en else 'Anatomie du prompt'}",
             (f"Exactly what I sent the model to answer “{question}”, split into the four parts of a "
              f"prompt taught in the course{where}." if en else
              f"Voici exactement ce que j'ai envoyé au modèle pour répondre à « {question} », découpé "
              f"selon les quatre parties d'un prompt vues dans le cours{where}.")]
    texts = {p["name"]: p["text"] for p in prompt["parts"]}
    for n, part in enumerate(PARTS, 1):
        label, role = part_label(part, language), part_role(part, language)
        lines += ["", f"**{n}. {label}** — {role}", fenced(texts[part] or ("(empty)" if en else "(vide)"))]
        if part == "context" and prompt.get("history"):
            turns = "\n\n".join(f"{t['role']}: {t['content']}" for t in prompt["history"])
            lines += [("Also context: the earlier turns of our conversation, sent as messages:" if en else
                       "Fait aussi partie du contexte : les tours précédents de notre conversation, envoyés "
                       "comme messages :"), fenced(turns)]
    lines += ["", ("_How the model receives it: one system message (Instructions + Output, the same for every "
                   "question), then the conversation, then one user message (Context + Input data)._" if en else
                   "_Comment le modèle le reçoit : un message « système » (Instructions + Sortie, identiques d'une "
                   "question à l'autre), puis la conversation, puis un message « utilisateur » (Contexte + Données "
                   "d'entrée)._")]
    if technique_note:
        lines.append(f"_{technique_note}_")
    return "\n".join(lines)


def technique_footer(result: TutorResult) -> str:
    """The one line each answer carries about its technique (and a broken required format, if any)."""
    if not result.technique_note or result.refused:
        return ""
    line = f"\n\n_{result.technique_note}_"
    if result.format_ok is False:
        line += ("\n\n_⚠️ The model did not follow the required format: this is why a format constraint must be "
                 "checked, and the prompt adjusted and retried._" if result.language == "en" else
                 "\n\n_⚠️ Le modèle n'a pas respecté le format demandé : c'est pourquoi on vérifie une contrainte "
                 "de format, puis on ajuste le prompt et on réessaie._")
    return line


def comparison_column(result: TutorResult, heading: str, language: str) -> dict:
    """One side of a comparison, as props for the SideBySide element."""
    return {
        "heading": heading,
        "note": result.technique_note,
        "answer": result.answer,
        "sources": [f"[{c.n}] {c.lesson_title} › {c.section}" for c in result.citations],
        "prompt": [{"label": part_label(p["name"], language), "text": p["text"]}
                   for p in result.prompt.get("parts", [])],
        "seconds": round(result.timings.total_ms / 1000, 1),
    }


def side_by_side_labels(language: str) -> dict:
    if language == "en":
        return {"answer": "Answer", "prompt": "Prompt sent", "sources": "Sources", "seconds": "s"}
    return {"answer": "Réponse", "prompt": "Prompt envoyé", "sources": "Sources", "seconds": "s"}


SHAPES = {"table": Text("un tableau", "a table"), "json": Text("un objet JSON", "a JSON object"),
          "list": Text("une liste", "a list"), "steps": Text("des étapes numérotées", "numbered steps"),
          "paragraph": Text("un paragraphe", "a paragraph")}


def comparison_intro(question: str, names: list[str], language: str, parts: list[str] | None = None,
                     difference: dict | None = None) -> str:
    """The comparison's lesson: which prompt parts changed, how the answers differ, and why they may not."""
    a, b = names
    head = Text("**Comparaison : `{a}` et `{b}`** — même question (« {q} »), mêmes extraits du cours, deux prompts.",
                "**Comparison: `{a}` vs `{b}`** — the same question (“{q}”) and the same course extracts, two prompts.")
    lines = [head.get(language, a=a, b=b, q=question)]
    if parts is not None:
        changed = ", ".join(f"**{part_label(p, language)}**" for p in parts) or "—"
        lines.append(Text("Ce qui change dans le prompt : {parts} (ouvrez « Prompt envoyé » dans chaque colonne).",
                          "What changes in the prompt: {parts} (open “Prompt sent” in each column).")
                     .get(language, parts=changed))
    if difference:
        shape_a, shape_b = (SHAPES[s].get(language) for s in difference["shapes"])
        if difference["identical"] or (difference["same_words"] >= 0.9 and shape_a == shape_b):
            lines.append(Text(
                "⚠️ Les deux réponses sont presque identiques : pour une question aussi courte et précise, la consigne "
                "de forme change peu le fond, et le petit modèle recopie les mêmes phrases des extraits. Essayez une "
                "question plus ouverte (par exemple « Explique… » ou « Compare… ») pour voir l'effet de la technique.",
                "⚠️ The two answers are almost the same: for such a short, precise question, the format instruction "
                "changes little of the content, and the small model copies the same sentences from the extracts. Try "
                "a more open question (e.g. “Explain…” or “Compare…”) to see the technique's effect.").get(language))
        else:
            lines.append(Text("Ce qui change dans la réponse : {sa} ({na} mots) contre {sb} ({nb} mots) ; "
                              "{same} % de mots en commun.",
                              "What changes in the answer: {sa} ({na} words) against {sb} ({nb} words); {same}% of "
                              "words in common.").get(language, sa=shape_a, sb=shape_b, na=difference["words"][0],
                                                      nb=difference["words"][1],
                                                      same=round(difference["same_words"] * 100)))
    return "\n\n".join(lines)


def lab_report(lab: LabRound, lesson_name: str | None) -> str:
    """The rubric verdicts, the model's critique, the improved prompt and why each change helps."""
    en = lab.language == "en"
    rubric, improved = lab.rubric, lab.improved_rubric
    kind = ("image prompt" if en else "prompt d'image") if rubric.kind == "image" else "prompt"
    head = f"### {'Prompt lab' if en else 'Laboratoire de prompt'} — {'attempt' if en else 'essai'} {lab.attempt}"
    progress = ""
    if lab.previous_score is not None:
        delta = rubric.score - lab.previous_score
        trend = ("better" if en else "mieux") if delta > 0 else ("worse" if en else "moins bien") if delta < 0 \
            else ("the same" if en else "pareil")
        progress = f" ({'previous:' if en else 'essai précédent :'} {lab.previous_score}/{rubric.total}, " \
                   f"{delta:+d}, {trend})"
    where = f" — {lesson_name}" if lesson_name else ""
    lines = [head, f"**{'Rubric score:' if en else 'Score de la grille :'} {rubric.score}/{rubric.total}**{progress}",
             "", (f"What the course's rubric finds in your {kind}{where}:" if en else
                  f"Ce que la grille du cours trouve dans votre {kind}{where} :"),
             "\n".join(f"- {line}" for line in findings(rubric, lab.language).splitlines())]
    if lab.critique:
        lines += ["", f"**{'The model’s critique' if en else 'La critique du modèle'}** : {lab.critique}"]
    by = ("proposed by the model, checked by the rubric" if en else "proposé par le modèle, vérifié par la grille") \
        if lab.improved_by == "model" else ("built from the rubric" if en else "construit à partir de la grille")
    lines += ["", f"**{'Improved prompt' if en else 'Prompt amélioré'}** ({by}, {improved.score}/{improved.total}) :",
              fenced(lab.improved), "", f"**{'What changed, and why' if en else 'Ce qui a changé, et pourquoi'}** :"]
    lines += [f"- {change}" for change in lab.changes]
    if lab.image_note:
        lines += ["", f"_{lab.image_note}_"]
    return "\n".join(lines)


def lab_columns(lab: LabRound) -> list[dict]:
    en = lab.language == "en"
    yours = "Your prompt" if en else "Votre prompt"
    better = "Improved prompt" if en else "Prompt amélioré"
    label = "Prompt sent" if en else "Prompt envoyé"
    return [
        {"heading": f"{yours} ({lab.rubric.score}/{lab.rubric.total})", "answer": lab.answers.get("original", ""),
         "prompt": [{"label": label, "text": lab.prompt}], "sources": [], "note": ""},
        {"heading": f"{better} ({lab.improved_rubric.score}/{lab.improved_rubric.total})",
         "answer": lab.answers.get("improved", ""), "prompt": [{"label": label, "text": lab.improved}],
         "sources": [], "note": ""},
    ]
