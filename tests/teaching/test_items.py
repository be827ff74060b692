"""Quiz items come from the lessons' definition lists and are validated by code before any is shown."""

from fixtures.environment import COURSE

from tutor.course.lessons import load_lessons, split_lesson
from tutor.teaching.items import Item, is_duplicate, problems, structure_items
from tutor.teaching.quiz import QuizMaker

CHUNKS = [c for lesson in load_lessons([COURSE], 2_000_000) for c in split_lesson(lesson)]


def chunk(chunk_id):
    return next(c for c in CHUNKS if c.id == chunk_id)


def test_a_definition_list_gives_choice_short_and_list_items_with_their_source():
    tasks = chunk("modeles-de-base#les-taches-en-aval-d-un-modele-de-base")
    items = structure_items(tasks)
    kinds = [i.kind for i in items]
    assert kinds.count("mcq") == 5 and kinds.count("short") == 5 and kinds.count("list") == 1
    mcq = next(i for i in items if i.kind == "mcq" and i.expected == "Synthèse de données")
    assert "résumer de longues informations complexes" in mcq.question
    assert mcq.options[mcq.answer_index] == "Synthèse de données" and len(set(mcq.options)) == 4
    assert all(i.chunk_id == tasks.id and i.source == tasks.text and problems(i) == [] for i in items)


def test_the_validator_rejects_broken_items_with_the_reason():
    good = next(i for i in structure_items(chunk("prompts#la-structure-d-un-prompt-quatre-parties")) if i.kind == "mcq")
    def altered(**changes):
        return Item(**(good.as_dict() | changes))
    assert problems(altered(options=good.options[:2], answer_index=0, expected=good.options[0])) == ["options"]
    assert "options" in problems(altered(options=[good.expected, good.expected, "Contexte", "Sortie"]))
    assert problems(altered(expected="Le prix d'Amazon Titan", options=["Le prix d'Amazon Titan", "A", "B", "C"],
                            answer_index=0)) == ["unsupported"]
    assert "gives_away" in problems(altered(question=f"{good.question} (indice : {good.expected})"))
    twin = altered(options=[good.expected, "Données d'entrée", "Les données d'entrée", "Sortie"])
    assert "options" in problems(twin)  # "Données d'entrée" twice, with and without its article


def test_a_quiz_has_distinct_valid_items_and_skips_what_the_learner_answered_recently():
    maker = QuizMaker(CHUNKS)
    quiz = maker.quiz(["prompts"], "fr", recent=set())
    assert len(quiz.items) == 3 and len({i.id for i in quiz.items}) == 3
    assert all(i.kind == "mcq" and i.lesson_id == "prompts" and problems(i) == [] for i in quiz.items)
    again = maker.quiz(["prompts"], "fr", recent={i.id for i in quiz.items})
    assert not {i.id for i in again.items} & {i.id for i in quiz.items}
    assert is_duplicate(quiz.items[0], quiz.items[1:], set()) is False
    assert is_duplicate(quiz.items[0], [], {quiz.items[0].id})
    # Items that fail validation are counted, never used: the two-option lists (Titan/Stable Diffusion).
    maker.quiz(["exemples-et-llm"], "fr", recent=set())
    assert maker.rejections.counts.get("options", 0) >= 2


def test_a_check_question_is_about_the_topic_asked_for():
    maker = QuizMaker(CHUNKS)
    near = [chunk("ingenierie-de-prompt#les-techniques-pour-ameliorer-un-prompt")]
    item = maker.check_question(near, "fr", recent=set())
    assert item.kind == "short" and item.lesson_id == "ingenierie-de-prompt" and problems(item) == []
    english = maker.check_question(near, "en", recent=set())
    assert english.question.startswith("In the lesson")
