"""Prompt starts kept read: every prompt whose first extract is the same section starts with the same text,
follow-ups included (their conversation comes after the extracts), so that start is read once."""

from types import SimpleNamespace

from tutor.engine.context import BUDGETS, start_variants
from tutor.prompting.prompts import language_rule, load_prompts

ANSWER = load_prompts()["answer"]


def chunk(text, section="Le prompt"):
    return SimpleNamespace(lesson_title="Les prompts", section=section, text=text)


def user_text(extracts, question, history=(), language="fr"):
    parts = ANSWER.render(language_rule=language_rule(language), extracts=extracts, question=question)
    parts.history, parts.language = list(history), language
    messages = parts.messages()
    assert [m.type for m in messages] == ["system", "human"]
    return messages[1].content


def shared_start(variants):
    a, b = (user_text(e, q) for e, q in variants)
    n = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    return a[:n]


def test_the_kept_start_ends_after_the_first_extract_and_begins_every_prompt_that_puts_that_extract_first():
    first = chunk("Un prompt est une demande écrite donnée au modèle.")
    others = [chunk("L'inférence est la réponse du modèle.", "Inférence"), chunk("Le contexte aide.", "Contexte")]
    start = shared_start(start_variants("Qu'est-ce qu'un prompt ?", [first, *others]))
    assert start.rstrip().endswith(">>>") and first.text in start and "Inférence" not in start
    from tutor.engine.context import extracts_block

    for question, history in [("Qu'est-ce qu'un prompt ?", ()),
                              ("Et il sert à quoi ?", [{"role": "user", "content": "Qu'est-ce qu'un prompt ?"},
                                                      {"role": "assistant", "content": "Une demande [1]."}])]:
        real = user_text(extracts_block(question, [first, *others]), question, history)
        assert real.startswith(start)
        assert real.index("Tuteur : Une demande") > len(start) if history else "Apprenant" not in real


def test_a_first_extract_cut_to_the_question_has_no_shared_start():
    long = chunk("Une ligne sur les prompts.\n" * (BUDGETS[0] // 20))
    assert start_variants("Qu'est-ce qu'un prompt ?", [long]) is None
    assert start_variants("Qu'est-ce qu'un prompt ?", []) is None


def test_the_conversation_is_labelled_in_the_learners_language():
    history = [{"role": "user", "content": "What is a prompt?"}, {"role": "assistant", "content": "A request [1]."}]
    text = user_text("[1] <<<\nx\n>>>", "And why?", history, "en")
    assert "Previous exchanges:\nLearner: What is a prompt?\nTutor: A request [1]." in text
