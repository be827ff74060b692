"""What the instructors' pages say, French first (English with `?lang=en` or an English browser)."""

from __future__ import annotations

from tutor.i18n import Text

TEXTS: dict[str, Text] = {
    "title": Text("Espace formateurs", "Instructors"),
    "back_to_chat": Text("Retour au chat", "Back to the chat"),
    "courses": Text("Cours", "Courses"),
    "lessons": Text("Leçons", "Lessons"),
    "gaps": Text("Lacunes", "Gaps"),
    "report": Text("Progression", "Progress"),
    "lesson": Text("Leçon", "Lesson"),
    "order": Text("Ordre", "Order"),
    "chunks": Text("Extraits", "Chunks"),
    "indexed_at": Text("Indexée le", "Indexed at"),
    "size": Text("Taille", "Size"),
    "actions": Text("Actions", "Actions"),
    "delete": Text("Supprimer", "Delete"),
    "revert": Text("Revenir à la version précédente", "Revert to the previous version"),
    "confirm_delete": Text("Supprimer cette leçon du cours ?", "Delete this lesson from the course?"),
    "upload": Text("Ajouter ou remplacer une leçon", "Add or replace a lesson"),
    "upload_help": Text("Markdown, texte, PDF ou Word (.docx). La conversion vous est montrée avant l'indexation ; "
                        "une leçon qui a le même identifiant qu'une leçon existante la remplace.",
                        "Markdown, text, PDF or Word (.docx). You review the conversion before it is indexed; a "
                        "lesson with the id of an existing lesson replaces it."),
    "convert": Text("Convertir et relire", "Convert and review"),
    "reindex": Text("Réindexer le cours", "Re-index the course"),
    "index_version": Text("Version de l'index", "Index version"),
    "history": Text("Historique des modifications", "History of changes"),
    "when": Text("Quand", "When"), "who": Text("Qui", "Who"), "what": Text("Quoi", "What"),
    "before_after": Text("Index avant → après", "Index before → after"),
    "review_title": Text("Relire la conversion de « {name} »", "Review the conversion of “{name}”"),
    "review_help": Text("Vérifiez et corrigez le texte converti : les titres (#, ##) deviennent les sections que "
                        "le tuteur cite. Rien n'est indexé avant « Indexer ».",
                        "Check and correct the converted text: headings (#, ##) become the sections the tutor "
                        "cites. Nothing is indexed before “Index”."),
    "replaces": Text("Cette leçon remplacera la leçon existante « {title} ».",
                     "This lesson will replace the existing lesson “{title}”."),
    "lesson_id": Text("Identifiant", "Id"), "lesson_title": Text("Titre", "Title"), "tags": Text("Mots-clés", "Tags"),
    "markdown": Text("Texte de la leçon (Markdown)", "Lesson text (Markdown)"),
    "sections": Text("Sections qui seront indexées", "Sections that will be indexed"),
    "index_it": Text("Indexer", "Index"), "discard": Text("Abandonner", "Discard"),
    "job_title": Text("Indexation en cours", "Indexing"),
    "job_running": Text("Les apprenants continuent sur la version actuelle pendant l'indexation.",
                        "Learners keep chatting on the current version while it indexes."),
    "job_done": Text("Terminé : la nouvelle version est en service.", "Done: the new version is serving."),
    "job_summary": Text("{lessons} leçons, {chunks} extraits ({added} ajoutés, {updated} modifiés, {removed} "
                        "supprimés), version {version}.", "{lessons} lessons, {chunks} chunks ({added} added, {updated} "
                        "updated, {removed} removed), version {version}."),
    "job_failed": Text("Échec : rien n'a changé, la version précédente reste en service.",
                       "Failed: nothing changed, the previous version keeps serving."),
    "back_to_lessons": Text("Retour aux leçons", "Back to the lessons"),
    "declined": Text("Questions déclinées (hors du cours)", "Declined questions (not in the course)"),
    "declined_help": Text("Regroupées par sens. Chaque groupe dit quoi faire : ajouter une section, en réécrire une, "
                          "ou ignorer (hors sujet).", "Grouped by meaning. Each group says what to do: add a "
                          "section, rewrite one, or ignore (off-topic)."),
    "questions": Text("Questions", "Questions"), "count": Text("Nombre", "Count"),
    "examples": Text("Exemples", "Examples"), "closest": Text("Leçon la plus proche", "Closest lesson"),
    "suggestion": Text("Suggestion", "Suggestion"),
    "action_add": Text("Ajouter une section", "Add a section"),
    "action_rewrite": Text("Réécrire une section", "Rewrite a section"),
    "action_ignore": Text("Ignorer (hors sujet)", "Ignore (off-topic)"),
    "mark_handled": Text("Marquer comme traité", "Mark handled"),
    "handled": Text("Traités", "Handled"),
    "thumbs_down": Text("Réponses jugées inutiles et commentaires", "Answers marked unhelpful, and comments"),
    "repaired": Text("Réponses corrigées ou écartées par les vérifications",
                     "Answers repaired or dropped by the checks"),
    "question": Text("Question", "Question"), "answer": Text("Réponse", "Answer"),
    "comment": Text("Commentaire", "Comment"), "sources": Text("Sources", "Sources"),
    "outcome": Text("Résultat", "Outcome"),
    "dropped_answer": Text("écartée (non étayée par le cours)", "dropped (not supported by the course)"),
    "repaired_answer": Text("corrigée : {unsupported} phrase(s) non étayée(s), {dropped} citation(s) retirée(s)",
                            "repaired: {unsupported} unsupported sentence(s), {dropped} citation(s) removed"),
    "nothing_yet": Text("Rien pour l'instant.", "Nothing yet."),
    "export": Text("Exporter", "Export"),
    "report_help": Text("Par leçon : questions posées, refus, avis, réussite aux quiz et répartition de la maîtrise. "
                        "Les apprenants sont anonymisés.", "Per lesson: questions asked, declines, feedback, quiz "
                        "success and mastery distribution. Learners are anonymised."),
    "declines": Text("Refus", "Declines"), "thumbs": Text("Avis des apprenants", "Learners' feedback"),
    "quiz_success": Text("Réussite aux quiz", "Quiz success"), "mastery": Text("Maîtrise", "Mastery"),
    "feedback": Text("Avis des apprenants", "Learners' feedback"),
    "helpful": Text("Utile", "Helpful"), "unhelpful": Text("Inutile", "Unhelpful"),
    "learners": Text("Apprenants", "Learners"), "learner": Text("Apprenant", "Learner"),
    "answers": Text("Réponses notées", "Graded answers"),
    "forbidden": Text("Cette page est réservée aux formateurs. Connectez-vous avec un compte formateur "
                      "(`tutor users add NOM --role instructor`, mode mot de passe).",
                      "This page is for instructors only. Log in with an instructor account "
                      "(`tutor users add NAME --role instructor`, password mode)."),
}

ACTIONS = {"add": "action_add", "rewrite": "action_rewrite", "ignore": "action_ignore"}


def language_of(request) -> str:
    """`?lang=fr|en`, else the browser's first language when it is English, else French."""
    asked = request.query_params.get("lang")
    if asked in ("fr", "en"):
        return asked
    accept = (request.headers.get("accept-language") or "").lower()
    return "en" if accept.startswith("en") else "fr"


def translator(language: str):
    def t(key: str, **values) -> str:
        return TEXTS[key].get(language, **values)
    return t
