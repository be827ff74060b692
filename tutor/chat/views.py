"""What the chat shows learners, in French first (English when they write in English): fixed texts, and
pure functions from engine results to Markdown."""

from __future__ import annotations

from tutor.engine.result import Citation, TutorResult
from tutor.engine.retrieval import Retrieval
from tutor.i18n import Text

ASSISTANT_NAME = "Tuteur IA"

STARTERS = [
    ("C'est quoi un modèle de base ?", "Qu'est-ce qu'un modèle de base et à quoi sert-il ?", "/public/starter-fm.svg"),
    ("ML traditionnel ou modèle de base ?",
     "Quelle est la différence entre un modèle traditionnel de machine learning et un modèle de base ?",
     "/public/starter-compare.svg"),
    ("Les quatre parties d'un prompt", "Quelles sont les quatre parties d'un prompt ?", "/public/starter-prompt.svg"),
    ("Améliorer un prompt", "Quelles techniques permettent d'améliorer un prompt ?", "/public/starter-improve.svg"),
    ("Améliore mon prompt", "/prompt Parle-moi des modèles de base", "/public/starter-lab.svg"),
]

TEXTS: dict[str, Text] = {
    "searching": Text("Recherche dans le cours", "Searching the course"),
    "found": Text("Extraits trouvés (score de pertinence) :", "Extracts found (relevance score):"),
    "nothing_found": Text("Aucun extrait pertinent.", "No relevant extract."),
    "not_searched": Text("Pas de recherche : la question a été écartée avant.",
                         "No search: the question was set aside before it."),
    "sources": Text("Sources", "Sources"),
    "unexpected": Text("Désolé, une erreur inattendue m'empêche de répondre. Réessayez dans un instant.",
                       "Sorry, an unexpected error stopped me from answering. Please try again in a moment."),
    "instructors_only": Text("Cette commande est réservée aux formateurs.", "This command is for instructors only."),
    "reindexed": Text(
        "Index à jour : {lessons} leçons, {chunks} extraits ({added} ajoutés, {updated} modifiés, {removed} "
        "supprimés) en {seconds} s. Les apprenants utilisent déjà la nouvelle version.",
        "Index up to date: {lessons} lessons, {chunks} extracts ({added} added, {updated} updated, {removed} "
        "removed) in {seconds} s. Learners already use the new version."),
    "reindex_bad_lesson": Text(
        "Rien n'a été indexé : le fichier {file} pose problème ({reason}). L'index précédent reste en service.",
        "Nothing was indexed: {file} has a problem ({reason}). The previous index keeps serving."),
    "reindex_busy": Text("Une autre indexation est en cours : réessayez dans un instant.",
                         "Another indexing is running: try again in a moment."),
    "anatomy_button": Text("Anatomie du prompt", "Anatomy of the prompt"),
    "compare_button": Text("Comparer avec {other}", "Compare with {other}"),
    "no_answer_yet": Text("Posez d'abord une question : je vous montrerai ensuite le prompt qui a produit ma réponse.",
                          "Ask a question first: then I'll show you the prompt behind my answer."),
    "technique_set": Text(
        "C'est noté : je réponds désormais avec la technique **{title}**. Ce qui change dans mon prompt : {change} "
        "Posez une question pour voir l'effet, puis cliquez sur « Anatomie du prompt ».",
        "Done: I now answer with the **{title}** technique. What changes in my prompt: {change} Ask a question to "
        "see the effect, then click “Anatomy of the prompt”."),
    "compare_help": Text(
        "Pour comparer deux techniques : `/compare TECHNIQUE_A TECHNIQUE_B votre question` (sans question, je "
        "reprends votre dernière question). Techniques : {names}.",
        "To compare two techniques: `/compare TECHNIQUE_A TECHNIQUE_B your question` (without a question, I reuse "
        "your last one). Techniques: {names}."),
    "compare_no_question": Text(
        "Quelle question dois-je poser avec ces deux techniques ? Ajoutez-la après leurs noms, ou posez-la d'abord.",
        "Which question should I ask with both techniques? Add it after their names, or ask it first."),
    "answering_with": Text("Réponse avec {technique}", "Answering with {technique}"),
    "lab_help": Text(
        "Laboratoire de prompt : écrivez `/prompt` suivi de votre prompt, par exemple `/prompt Résume ce qu'est un "
        "LLM`. Je dis quelles parties il contient, je propose une version améliorée, puis je lance les deux pour "
        "comparer. Un prompt d'image (« Génère une image de… ») est jugé sur le sujet, le style, la composition, "
        "l'éclairage et le prompt négatif.",
        "Prompt lab: type `/prompt` followed by your prompt, e.g. `/prompt Summarise what an LLM is`. I say which "
        "parts it has, propose an improved version, then run both to compare. An image prompt (“Generate an image "
        "of…”) is judged on subject, style, composition, lighting and negative prompt."),
    "lab_rubric": Text("Grille du cours", "The course's rubric"),
    "lab_review": Text("Le modèle relit votre prompt", "The model reviews your prompt"),
    "lab_run_original": Text("Résultat de votre prompt", "Result of your prompt"),
    "lab_run_improved": Text("Résultat du prompt amélioré", "Result of the improved prompt"),
    "lab_retry": Text("Essayer le prompt amélioré", "Try the improved prompt"),
    "progress_title": Text("Votre progression", "Your progress"),
    "declined_not_in_course": Text("Je ne confirme que ce que le cours dit.", "I only confirm what the course says."),
    "declined_injection": Text("Je suis ici pour vous aider à apprendre ce cours : je ne change pas de rôle.",
                               "I'm here to help you learn this course: I don't change roles."),
}


def ui_text(key: str, language: str, **values) -> str:
    return TEXTS[key].get(language, **values)


def source_name(citation: Citation) -> str:
    """The element's name, which the answer's sources line repeats so Chainlit turns it into a link."""
    return f"[{citation.n}] {citation.lesson_title} › {citation.section}"


def sources_line(result: TutorResult) -> str:
    if not result.citations:
        return ""
    names = "\n".join(f"- {source_name(c)}" for c in result.citations)
    return f"\n\n**{ui_text('sources', result.language)} :**\n{names}"


def decline_footer(result: TutorResult) -> str:
    key = f"declined_{result.refusal_reason}"
    return f"\n\n_{ui_text(key, result.language)}_" if key in TEXTS else ""


def retrieval_summary(retrieval: Retrieval, language: str) -> str:
    if not retrieval.hits:
        return ui_text("nothing_found", language)
    lines = [ui_text("found", language)]
    for n, hit in enumerate(retrieval.hits, 1):
        lines.append(f"{n}. {hit.chunk.lesson_title} › {hit.chunk.section} — {hit.score:.3f} "
                     f"(dense {hit.dense_score:.2f}, BM25 {hit.bm25_score:.2f})")
    return "\n".join(lines)
