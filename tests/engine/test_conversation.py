"""Follow-ups: an ordinal that points into the tutor's last list is resolved by code."""

from tutor.engine.conversation import listed, with_referent

PARTS = [{"role": "user", "content": "Quelles sont les parties d'un prompt ?"},
         {"role": "assistant", "content": "Il y en a quatre : les instructions, le contexte, les données d'entrée "
                                          "et la sortie [1]."}]


def test_an_ordinal_gets_the_item_of_the_last_answer_it_points_to_written_beside_it():
    assert with_referent("Et la dernière, elle correspond à quoi ?", PARTS) == \
        "Et la dernière (la sortie), elle correspond à quoi ?"
    assert with_referent("Le deuxième, ça consiste en quoi ?", PARTS) == "Le deuxième (le contexte), ça consiste en quoi ?"
    assert with_referent("And the first, what is it for?", PARTS) == "And the first (les instructions), what is it for?"


def test_bullet_lists_give_their_items_without_quotes_descriptions_or_citations():
    answer = ("Le cours en cite cinq :\n- « la génération de texte : produire du texte » [1]\n"
              "- « la synthèse de données : résumer de longues informations » [1]")
    assert listed(answer) == ["la génération de texte", "la synthèse de données"]
    assert with_referent("Et la dernière ?", [{"role": "assistant", "content": answer}]) == \
        "Et la dernière (la synthèse de données) ?"


def test_no_list_no_such_rank_or_no_ordinal_leaves_the_question_as_it_is():
    definition = [{"role": "assistant", "content": "Un modèle de base est un modèle préentraîné [1]."}]
    assert with_referent("Et le premier, c'est quoi ?", definition) == "Et le premier, c'est quoi ?"
    assert with_referent("Et la cinquième ?", PARTS) == "Et la cinquième ?"
    assert with_referent("Et le contexte, il sert à quoi ?", PARTS) == "Et le contexte, il sert à quoi ?"
    assert with_referent("Et la dernière ?", []) == "Et la dernière ?"
