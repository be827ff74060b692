from types import SimpleNamespace

from tutor.engine.citations import check_citations, renumbered

SUPPORTED = SimpleNamespace(label="supported", evidence="", reason="")

EXTRACTS = [
    "Les LLM sont formés sur des milliers de milliards de mots.",
    "Amazon Titan est conçu pour traiter le langage naturel. Stable Diffusion génère des images.",
    "Un prompt est une demande textuelle donnée à un modèle de base.",
]


def test_valid_citations_are_kept_and_invalid_ones_dropped():
    check = check_citations("Les LLM sont formés sur des milliers de milliards de mots [1]. "
                            "Un prompt est une demande textuelle [7].", EXTRACTS)
    assert check.used == [1, 3] and check.dropped == [7]
    assert check.answer == ("Les LLM sont formés sur des milliers de milliards de mots [1]. "
                            "Un prompt est une demande textuelle [3].")


def test_a_citation_to_an_extract_that_does_not_support_the_sentence_is_moved():
    check = check_citations("Stable Diffusion génère des images [1].", EXTRACTS)
    assert check.used == [2] and check.dropped == [1] and check.answer == "Stable Diffusion génère des images [2]."


def test_grouped_markers_and_list_numbers():
    check = check_citations("Les parties :\n1. Un prompt est une demande textuelle donnée à un modèle [1, 3].",
                            EXTRACTS)
    assert check.used == [3] and check.dropped == [1]
    assert check.sentences[0].supported is None  # "Les parties :" is a header, not a claim


def test_a_dropped_list_item_takes_its_number_with_it():
    unsupported = SimpleNamespace(label="unsupported", evidence="", reason="no_support")

    def judge(sentence, n):
        return SUPPORTED if "Stable Diffusion" in sentence else unsupported

    answer = ("Étapes :\n1. Connectez-vous à votre compte Amazon et configurez le service [2].\n"
              "2. Stable Diffusion génère des images [2].")
    check = check_citations(answer, EXTRACTS, judge=judge)
    assert check.answer == "Étapes :\n1. Stable Diffusion génère des images [2]."  # no empty "1.", nor a list from "2."
    assert [c.outcome for c in check.judged] == ["dropped", "kept"]
    # an item's number is its marker, not a number the claim gives (the extract has no "2")
    assert check_citations("12. Stable Diffusion génère des images [2].", EXTRACTS).used == [2]


def test_numbered_lists_are_counted_again_after_a_dropped_item():
    assert renumbered("Étapes :\n1. a\n3. b\n\n4. c\nEnsuite :\n2. d\n5) e") == \
        "Étapes :\n1. a\n2. b\n\n3. c\nEnsuite :\n1. d\n2) e"
    assert renumbered("En 2024. Les modèles\n- a") == "En 2024. Les modèles\n- a"


def test_invented_sentences_and_numbers_are_unsupported():
    check = check_citations("Amazon Titan possède 100 paramètres [2]. La capitale de l'Australie est Sydney.",
                            EXTRACTS)
    assert check.used == [] and check.support_ratio == 0.0
    assert check.unsupported == ["Amazon Titan possède 100 paramètres.", "La capitale de l'Australie est Sydney."]


def test_a_web_address_the_extract_lacks_is_an_invented_fact_whatever_the_judge_reads():
    invented = ("Téléchargez Amazon Titan depuis le site d'Amazon : "
                "[https://aws.amazon.com/titan/](https://aws.amazon.com/titan/) [2].")
    check = check_citations(f"{invented} Stable Diffusion génère des images [2].", EXTRACTS,
                            similarity=lambda sentence, n: 0.99, min_similarity=0.5, judge=lambda sentence, n: SUPPORTED)
    assert "amazon.com" not in check.answer and check.answer == "Stable Diffusion génère des images [2]."
    given = check_citations("Le site www.exemple.fr donne le cours [1].", ["Le cours est donné sur www.exemple.fr."],
                            judge=lambda sentence, n: SUPPORTED)
    assert given.answer == "Le site www.exemple.fr donne le cours [1]."  # an address the extract gives stays


def test_cross_language_support_uses_the_similarity_function():
    calls = []

    def similarity(sentence, n):
        calls.append(n)
        return 0.9 if n == 1 else 0.5

    check = check_citations("Large language models are trained on trillions of words.", EXTRACTS, similarity, 0.83)
    assert check.used == [1] and check.answer.endswith("words [1].")
    assert check_citations("Large language models are trained on trillions of words.", EXTRACTS).used == []


def test_rhetorical_questions_are_not_judged():
    check = check_citations("Pourquoi Titan ? Amazon Titan est conçu pour traiter le langage naturel.", EXTRACTS)
    assert [s.supported for s in check.sentences] == [None, True]
    assert check.answer == "Pourquoi Titan ? Amazon Titan est conçu pour traiter le langage naturel [2]."


def test_a_table_row_keeps_its_marker_inside_the_last_cell():
    extracts = ["Un prompt est une demande textuelle donnée à un modèle de base."]
    table = "| Élément | Explication |\n|---|---|\n| Prompt | Une demande textuelle donnée à un modèle de base. |"
    check = check_citations(table, extracts)
    assert check.answer.splitlines()[-1] == "| Prompt | Une demande textuelle donnée à un modèle de base [1]. |"
    row = "| Prompt | Une demande textuelle donnée à un modèle de base |"  # no full stop: before the last bar
    assert check_citations(row, extracts).answer == "| Prompt | Une demande textuelle donnée à un modèle de base [1] |"


def test_a_repair_quotes_a_sentence_a_whole_list_never_a_heading():
    from tutor.engine.citations import quotation

    extract = ("Les modèles de base — Les tâches en aval\nUn modèle de base peut réaliser des tâches en aval telles que :"
               "\n\n- **Génération de texte** ;\n- **Synthèse** ;\n- Extraction d'informations.\n\nIls sont polyvalents.")
    assert quotation("Ils sont polyvalents.", extract) == "« Ils sont polyvalents. »"
    assert quotation("Un modèle de base peut réaliser des tâches en aval telles que :", extract) == \
        "« Un modèle de base peut réaliser des tâches en aval telles que : Génération de texte ; Synthèse ; " \
        "Extraction d'informations. »"
    assert quotation("Les modèles de base — Les tâches en aval", extract) is None


def test_two_claims_repaired_into_the_same_sentence_show_it_once():
    # Two made-up claims contradicted by the same sentence of the extract: the learner reads that sentence once.
    contradicted = SimpleNamespace(label="contradicted", evidence="Les LLM sont formés sur des milliers de milliards de mots.",
                                   reason="number")
    check = check_citations("Les LLM sont formés sur des milliers de mots [1]. Les LLM sont formés sur peu de mots [1]. "
                            "Un prompt est une demande textuelle donnée à un modèle de base [3].", EXTRACTS,
                            judge=lambda sentence, n: contradicted if n == 1 else SUPPORTED)
    assert check.answer.count("milliers de milliards") == 1 and len(check.repaired) == 2
    assert check.answer.endswith("Un prompt est une demande textuelle donnée à un modèle de base [3].")


def test_a_repair_that_quotes_what_the_answer_already_said_is_not_shown_again():
    # The model said it in its words (kept), then got it wrong once more (contradicted, repaired into the course's
    # sentence): the learner does not read the same fact twice.
    extract = ("Les modèles de base ne remplacent pas les modèles traditionnels. Ils sont plus polyvalents, mais dans "
               "certains cas, un modèle traditionnel spécifique peut être plus adapté à une tâche bien définie.")
    contradicted = SimpleNamespace(label="contradicted", reason="polarity", evidence=(
        "Ils sont plus polyvalents, mais dans certains cas, un modèle traditionnel spécifique peut être plus adapté à "
        "une tâche bien définie."))
    answer = ("Ils sont polyvalents, mais dans certains cas, un modèle traditionnel spécifique peut être plus adapté à une "
              "tâche bien définie [1]. Un modèle traditionnel n'est jamais adapté à une tâche bien définie [1].")
    check = check_citations(answer, [extract], judge=lambda s, n: contradicted if "jamais" in s else SUPPORTED)
    assert check.answer.count("bien définie") == 1 and check.answer.startswith("Ils sont polyvalents")
    assert [c.outcome for c in check.judged] == ["kept", "repaired"]
    # a repair that says something the answer has not said yet is shown
    other = SimpleNamespace(label="contradicted", reason="polarity",
                            evidence="Les modèles de base ne remplacent pas les modèles traditionnels.")
    check = check_citations("Les modèles de base remplacent les modèles traditionnels [1].", [extract],
                            judge=lambda s, n: other)
    assert check.answer == "« Les modèles de base ne remplacent pas les modèles traditionnels. » [1]"
