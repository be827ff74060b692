"""Follow-ups: an ordinal that points into the tutor's last list is resolved by code."""

from types import SimpleNamespace

from tutor.engine.conversation import follow_up_retrieval, listed, with_answer, with_referent
from tutor.engine.retrieval import Hit, Retrieval, fused

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


def _hit(name: str, position: int) -> Hit:
    return Hit(SimpleNamespace(id=name, position=position), 0.0)


def _retrieval(query: str, *names: str, dense: float = 0.5) -> Retrieval:
    hits = [_hit(n, i) for i, n in enumerate(names)]
    return Retrieval(hits=hits[:2], snapshot=None, query=query, best_dense=dense, candidates=hits)


def test_fusion_ranks_chunks_over_both_searches_and_keeps_the_first_query_and_scores():
    first, second = _retrieval("q", "a", "b", "c", "d"), _retrieval("q + answer", "d", "c", "e", dense=0.9)
    both = fused(first, second, k=2, rrf_k=60)
    # "c" (3rd and 2nd) and "d" (4th and 1st) beat "a", found by one search only
    assert [h.chunk.id for h in both.hits] == ["d", "c"] and both.query == "q" and both.best_dense == 0.5
    assert [h.chunk.id for h in both.candidates] == ["d", "c", "a", "b", "e"]
    assert [h.chunk.id for h in first.hits] == ["a", "b"]  # the inputs are left as they were


class _Retriever:
    def __init__(self, **found):
        self.found, self.queries = found, []

    def retrieve(self, query):
        self.queries.append(query)
        return self.found[query]


HISTORY = [{"role": "user", "content": "Donne des exemples."},
           {"role": "assistant", "content": "Amazon Titan et Stable Diffusion [1]."}]


def test_a_follow_up_is_ranked_with_what_the_last_answer_finds_only_when_both_are_about_the_course():
    assert with_answer("Lequel ?", HISTORY) == "Lequel ? Amazon Titan et Stable Diffusion."
    found = {"Lequel ? Donne des exemples.": _retrieval("s", "a", "b", "x"),
             "Lequel ? Amazon Titan et Stable Diffusion.": _retrieval("t", "x", "y")}
    retriever = _Retriever(**found)
    got = follow_up_retrieval(retriever, lambda r: True, "Lequel ?", HISTORY, 2, 60)
    assert [h.chunk.id for h in got.hits] == ["x", "a"] and len(retriever.queries) == 2
    # off the course as asked: decided on the question and the previous one alone, the answer is not searched
    retriever = _Retriever(**found)
    got = follow_up_retrieval(retriever, lambda r: r.query != "s", "Lequel ?", HISTORY, 2, 60)
    assert got.query == "s" and len(retriever.queries) == 1
    # the fused extracts would no longer hold the question's words: the question's own are kept
    got = follow_up_retrieval(_Retriever(**found), lambda r: r.hits[0].chunk.id != "x", "Lequel ?", HISTORY, 2, 60)
    assert [h.chunk.id for h in got.hits] == ["a", "b"]
    assert with_answer("Lequel ?", HISTORY[:1]) == ""
