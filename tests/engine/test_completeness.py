"""List completeness: the items of the enumeration a question asks for, added when the answer leaves them out."""

from tutor.engine.completeness import complete

TASKS = """Les modèles de base (Foundation Models) — Les tâches en aval d'un modèle de base
Un modèle de base peut réaliser des tâches en aval telles que :

- **la génération de texte** : produire du texte, rédiger des articles ou des histoires ;
- **la synthèse de données** : résumer de longues informations complexes ;
- **l'extraction d'informations** : rechercher et extraire des données spécifiques ;
- **les interactions avec des chatbots** : répondre à des questions ou maintenir une conversation ;
- **la génération de contenu multimédia** : créer des images, de la musique, des vidéos ou même du code."""
DEFINITION = """Les modèles de base (Foundation Models) — Qu'est-ce qu'un modèle de base ?
Les **modèles de base** (FM) sont des modèles préentraînés. Un même modèle de base est capable de réaliser
diverses **tâches en aval**, c'est-à-dire des tâches concrètes pour lesquelles on l'utilise ensuite."""
TRADITIONAL = """Modèles traditionnels et modèles de base — Les modèles traditionnels de machine learning
- **Tâches spécifiques** : un modèle traditionnel est formé pour accomplir **une tâche unique**.
- **Dépendance aux données étiquetées** : il faut des **données bien étiquetées**.
- **Un processus d'entraînement long** : chaque nouvelle tâche nécessite un **nouveau modèle**."""


def test_an_answer_that_names_no_item_gets_the_whole_list_of_the_extract_whose_heading_holds_the_question():
    answer = "Un modèle de base peut réaliser diverses tâches en aval [2]."
    completed, used = complete("Quelles tâches en aval un modèle de base peut-il réaliser ?", answer,
                               [TASKS, DEFINITION], [2], "fr")
    assert completed.startswith(answer) and "Le cours en cite cinq :" in completed
    for item in ("la génération de texte : produire du texte", "la synthèse de données", "l'extraction d'informations",
                 "les interactions avec des chatbots", "la génération de contenu multimédia"):
        assert f"« {item}" in completed
    assert completed.count("[1]") == 5 and used == [2, 1]  # the list's extract is now cited, after the answer's


def test_the_missing_items_are_added_with_their_description_and_an_item_named_by_its_bold_phrase_counts():
    answer = "Un prompt donne des instructions et un contexte qui guide la réponse [1]."
    completed, used = complete("Quelles sont les parties d'un prompt ?", answer, [PARTS], [1], "fr")
    assert completed == answer + "\n\nLe cours en cite aussi :\n" \
        "- « Les données d'entrée : les informations précises que le modèle doit traiter » [1]\n" \
        "- « La sortie : le format attendu de la réponse » [1]"
    assert used == [1]
    named = "Un modèle traditionnel accomplit une tâche unique et demande des données bien étiquetées [1]."
    assert "Dépendance" not in complete("Quels défauts ont les modèles traditionnels ?", named, [TRADITIONAL], [1],
                                         "fr")[0]  # "données bien étiquetées": that item is named


def test_a_question_that_names_the_list_heading_gets_the_whole_list_with_its_count():
    answer = "Un modèle traditionnel accomplit une tâche unique et demande des données bien étiquetées [1]."
    completed, _ = complete("Quelles sont les caractéristiques des modèles traditionnels de machine learning ?",
                            answer, [TRADITIONAL], [1], "fr")
    assert "\n\nLe cours en cite trois :\n- « Tâches spécifiques : un modèle traditionnel" in completed
    assert completed.endswith("- « Un processus d'entraînement long : chaque nouvelle tâche nécessite un nouveau "
                              "modèle » [1]")
    quoted = "Voici ce que dit le cours à ce sujet :\n\n- « Un modèle de base réalise la synthèse de données » [2]."
    counted, used = complete("Combien de tâches en aval un modèle de base peut-il réaliser ?", quoted,
                             [TASKS, DEFINITION], [2], "fr")
    assert "Le cours en cite cinq :" in counted and counted.count("[1]") == 5 and used == [2, 1]
    kinds, _ = complete("Combien de types de tâches en aval le cours cite-t-il pour un modèle de base ?", quoted,
                        [TASKS, DEFINITION], [2], "fr")  # "combien", "types": the list's size and kind, not its subject
    assert "Le cours en cite cinq :" in kinds


def test_a_question_about_one_item_or_an_answer_that_has_them_all_is_left_as_it_is():
    one = "La synthèse de données consiste à résumer de longues informations complexes [1]."
    glued = "L'extraction d'informations sert à rechercher des données spécifiques [1]."
    assert complete("a quoi sert lextraction dinformations pour un modele de base", glued, [TASKS], [1], "fr") \
        == (glued, [1])  # typed without apostrophes, the item is still named
    assert complete("À quoi sert la synthèse de données dans un modèle de base ?", one, [TASKS], [1], "fr") == \
        (one, [1])
    every = "Tâche unique, données bien étiquetées, un nouveau modèle pour chaque tâche [1]."
    assert complete("Quelles sont les caractéristiques des modèles traditionnels ?", every, [TRADITIONAL], [1],
                    "fr") == (every, [1])


def test_an_uncited_list_whose_heading_only_shares_some_of_the_question_is_not_added():
    answer = "Un modèle de base sert à beaucoup de choses, comme résumer un rapport [2]."
    question = "Pourquoi un modèle de base coûte-t-il moins cher à adapter qu'un modèle traditionnel ?"
    assert complete(question, answer, [TASKS, DEFINITION], [2], "fr") == (answer, [2])


def test_an_answer_that_points_at_a_list_by_its_heading_without_giving_it_gets_the_list():
    # a follow-up's words do not name the list; the answer does, vaguely ("diverses tâches en aval")
    answer = "Un modèle de base peut réaliser diverses tâches en aval [2]."
    completed, used = complete("Et il peut faire quoi ensuite ?", answer, [TASKS, DEFINITION], [2], "fr")
    assert "Le cours en cite cinq :" in completed and "« la synthèse de données" in completed and used == [2, 1]
    # not when the answer only names the heading's subject ("Les modèles de base"), nor without a vague word
    general = ("Modèles traditionnels et modèles de base — Les modèles de base\n"
               "- **Polyvalence** : un seul modèle de base peut accomplir plusieurs tâches.\n"
               "- **Efficacité** : moins de ressources informatiques.")
    extraction = "L'extraction d'informations permet à un modèle de base d'effectuer différentes tâches [1]."
    assert complete("À quoi sert l'extraction d'informations ?", extraction, [TASKS, general], [1], "fr")[0] == extraction
    precise = "Un modèle de base réalise les tâches en aval pour lesquelles on l'utilise ensuite [2]."
    assert complete("Et il peut faire quoi ensuite ?", precise, [TASKS, DEFINITION], [2], "fr")[0] == precise


def test_missing_items_go_through_translate_and_stay_in_the_course_words_when_no_translation_holds():
    translations = {"la synthèse de données : résumer de longues informations complexes":
                    "data synthesis: summarising long, complex information"}
    answer = "A foundation model can generate text [1]."
    completed, _ = complete("Quelles tâches en aval un modèle de base peut-il réaliser ?", answer, [TASKS], [1], "en",
                            translations.get)
    assert "The course lists five:" in completed
    assert "- “data synthesis: summarising long, complex information” [1]" in completed
    assert "- “l'extraction d'informations : rechercher et extraire des données spécifiques” [1]" in completed


EXAMPLES = """Exemples de modèles de base et LLM — Exemples de modèles de base
- **Amazon Titan** : conçu pour traiter le langage naturel.
- **Stable Diffusion** : un modèle de base pour générer des images."""
PARTS = """Les prompts — Les quatre parties d'un prompt
Un prompt se compose de quatre parties :
- **Les instructions** : la tâche à accomplir.
- **Le contexte** : des informations supplémentaires qui guident la réponse.
- **Les données d'entrée** : les informations précises que le modèle doit traiter.
- **La sortie** : le format attendu de la réponse."""


def test_a_definition_question_does_not_get_a_list_whose_heading_says_more_than_it_asks():
    answer = "Un modèle de base est un modèle d'apprentissage automatique préentraîné [2]."
    assert complete("Qu'est-ce qu'un modèle de base ?", answer, [EXAMPLES, DEFINITION], [2], "fr") == (answer, [2])


def test_a_question_that_names_one_item_gets_no_other_items():
    answer = "Le contexte donne des informations supplémentaires qui guident la réponse [1]."
    assert complete("À quoi sert la partie contexte dans un prompt ?", answer, [PARTS], [1], "fr") == (answer, [1])


def test_the_question_that_ends_a_check_question_answer_stays_last():
    answer = "Un modèle de base peut réaliser diverses tâches en aval [1].\n\nPeux-tu en citer une ?"
    completed, _ = complete("Quelles tâches en aval un modèle de base peut-il réaliser ?", answer, [TASKS], [1], "fr",
                            before_last_line=True)
    assert completed.startswith("Un modèle de base peut réaliser diverses tâches en aval [1].\n\nLe cours en cite cinq")
    assert completed.endswith("du code » [1]\n\nPeux-tu en citer une ?")


CAPABILITIES = """Exemples de modèles de base et grands modèles de langage (LLM) — Les capacités des LLM
Les LLM savent :

- **comprendre des prompts complexes** : traiter des instructions formulées en langage naturel ;
- **synthétiser du texte** : résumer des documents volumineux en quelques phrases."""


def test_a_yes_no_answer_that_only_restates_the_question_gets_the_sentence_of_the_course_that_says_it():
    # dev d014: "Oui" and the question's words, without the course's detail ("en quelques phrases")
    question, answer = "les llm peuve resumer des gros documents ?", "Oui, les LLM peuvent resumer des gros documents [1]."
    completed, used = complete(question, answer, [CAPABILITIES, TRADITIONAL], [1], "fr")
    assert completed == answer + "\n\nLe cours dit : « synthétiser du texte : résumer des documents volumineux en " \
                                 "quelques phrases » [1]." and used == [1]
    # English: the course's sentence goes through translate, and is left out when no translation holds
    english = complete("Can LLMs résumer des documents?", "Yes, LLMs can résumer des documents [1].", [CAPABILITIES], [1],
                       "en", lambda text: "summarise large documents in a few sentences")[0]
    assert english.endswith("The course says: “summarise large documents in a few sentences” [1].")
    assert complete("Can LLMs résumer des documents?", "Yes [1].", [CAPABILITIES], [1], "en", lambda text: None)[0] == "Yes [1]."


def test_an_answer_that_says_more_than_the_question_or_no_verdict_or_cites_nothing_is_left_as_it_is():
    question = "les llm peuvent-ils resumer des documents ?"
    for answer, cited in (("Oui, ils résument des documents volumineux en quelques phrases [1].", [1]),
                          ("Les LLM peuvent résumer des documents [1].", [1]),  # no verdict
                          ("Oui, les LLM peuvent résumer des documents.", [])):
        assert complete(question, answer, [CAPABILITIES], cited, "fr")[0] == answer
    # the extract's closest sentence shares fewer than two words with the question: no quote
    assert complete("Un modèle traditionnel est-il rapide ?", "Non, un modèle traditionnel n'est pas rapide [1].",
                    [CAPABILITIES], [1], "fr")[0] == "Non, un modèle traditionnel n'est pas rapide [1]."
