"""Prompt techniques: each file renders the four named parts, differs from zero-shot where it says, and the
engine answers with it (fake model chosen by settings, real Chroma index of the course)."""

import json
import re

import pytest
from fixtures.environment import COURSE

from tutor.engine.events import Stage, Token
from tutor.engine.result import AskOptions
from tutor.engine.tutor import Tutor
from tutor.errors import LearnerError
from tutor.prompting.compare import compare
from tutor.prompting.prompts import PARTS, PromptFileError, language_rule, load_prompts
from tutor.prompting.techniques import UnknownTechnique, catalogue, changed_parts, resolve, techniques

EXPECTED = ["zero-shot", "few-shot", "chain-of-thought", "role", "format-list", "format-table", "format-json"]
VALUES = {"extracts": "[1] Leçon — Section\nUn prompt est une demande textuelle.", "question": "Qu'est-ce qu'un {prompt} ?"}
# The part(s) each technique must change, compared with zero-shot.
MUST_CHANGE = {"few-shot": "instructions", "chain-of-thought": "output_format", "role": "instructions",
               "format-list": "output_format", "format-table": "output_format", "format-json": "output_format"}


def make_tutor(settings, *responses, **llm):
    cfg = settings.llm.model_copy(update={"provider": "fake", "fake_responses": list(responses) or ["ok"], **llm})
    return Tutor(settings.model_copy(update={"llm": cfg}))


def test_the_catalogue_has_every_technique_in_teaching_order():
    prompts = load_prompts()
    assert list(techniques(prompts)) == EXPECTED
    listing = catalogue(techniques(prompts), "few-shot", "fr")
    assert all(f"`{name}`" in listing for name in EXPECTED) and "Avec exemples (few-shot)** ✅" in listing


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_technique_renders_its_declared_variables_into_four_parts(name, language):
    prompts = load_prompts()
    prompt = resolve(techniques(prompts), name)
    parts = prompt.render(language_rule=language_rule(language), **VALUES)
    texts = {part: getattr(parts, part) for part in PARTS}
    assert all(texts.values()), f"{name}: an empty part"
    assert VALUES["extracts"] in parts.context and "Qu'est-ce qu'un {prompt} ?" in parts.input  # inserted once
    assert language_rule(language) in parts.input and "{" not in parts.instructions.replace("{{", "")
    assert [p["label"] for p in parts.as_dict()["parts"]] == ["Instructions", "Contexte", "Données d'entrée", "Sortie"]
    base = prompts["answer"].render(language_rule=language_rule(language), **VALUES)
    if name == "zero-shot":
        assert changed_parts(base, parts) == []
    else:
        assert MUST_CHANGE[name] in changed_parts(base, parts)
        assert "HORS_COURS" in parts.instructions  # every technique keeps the grounding rules


def test_names_aliases_accents_and_case_resolve():
    prompts = load_prompts()
    assert resolve(techniques(prompts), "CoT").technique == "chain-of-thought"
    assert resolve(techniques(prompts), "answer").technique == "zero-shot"  # the prompt file's own name
    assert resolve(techniques(prompts), "Rôle").technique == "role"
    assert resolve(techniques(prompts), "tableau").technique == "format-table"
    assert resolve(techniques(prompts), None).technique == "zero-shot"
    with pytest.raises(UnknownTechnique) as caught:
        resolve(techniques(prompts), "telepathie")
    assert "telepathie" in caught.value.message("fr") and "`few-shot`" in caught.value.message("fr")


def test_few_shot_examples_are_drawn_from_the_course():
    course = re.sub(r"\*\*|\*", "", " ".join(p.read_text(encoding="utf-8") for p in COURSE.glob("*.md")))
    instructions = load_prompts()["few-shot"].instructions
    extracts = re.findall(r"Extrait \[1\] : (.+)", instructions)
    assert len(extracts) == 2
    for extract in extracts:
        assert extract.strip() in course, extract


def test_a_technique_with_other_variables_is_refused_at_start_up(tmp_path):
    prompts = load_prompts()
    bad = prompts["role"].model_copy(update={"variables": ["question"]})
    with pytest.raises(PromptFileError, match="a technique must declare the variables"):
        techniques(prompts | {"role": bad})


@pytest.mark.parametrize("name, changed", [("few-shot", "Instructions"), ("format-list", "Sortie"),
                                           ("role", "Instructions")])
def test_each_answer_says_its_technique_and_how_the_prompt_changed(indexed, name, changed):
    tutor = make_tutor(indexed, "Un prompt est une demande textuelle donnée à un modèle de base [1].")
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique=name))
    assert result.technique == name and not result.refused and result.citations
    assert result.technique_note.startswith("Technique : ") and "Parties modifiées : " in result.technique_note
    assert changed in result.technique_note.split("Parties modifiées : ")[1]
    system = tutor.llm.model.calls[-1][0].content
    parts = {p["name"]: p["text"] for p in result.prompt["parts"]}
    assert system == parts["instructions"] + "\n\n" + parts["output_format"]  # what was shown is what was sent


def test_english_answers_get_an_english_technique_line(indexed):
    tutor = make_tutor(indexed, "A prompt is a text request given to a foundation model [1].")
    result = tutor.ask("What is a prompt?", options=AskOptions(technique="few-shot"))
    assert result.language == "en" and result.technique_note.startswith("Technique: With examples (few-shot)")
    assert "Parts changed: Instructions" in result.technique_note


def test_unknown_technique_is_a_friendly_error_before_any_work(indexed):
    tutor = make_tutor(indexed)
    with pytest.raises(LearnerError) as caught:
        tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="telepathie"))
    assert caught.value.code == "unknown_technique" and "Techniques disponibles" in caught.value.message("fr")
    assert tutor.llm.model.calls == []


def test_json_answers_are_parsed_checked_and_rewritten(indexed):
    reply = json.dumps({"reponse": "Un prompt est une demande textuelle donnée à un modèle de base [1].",
                        "points_cles": ["La réponse générée par le modèle s'appelle une inférence [7]."]},
                       ensure_ascii=False)
    tutor = make_tutor(indexed, f"```json\n{reply}\n```")
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="json"))
    assert result.format_ok is True and result.answer.startswith("```json\n")
    data = json.loads(result.answer.removeprefix("```json\n").removesuffix("\n```"))
    assert set(data) == {"reponse", "points_cles"} and re.search(r"\[\d\]\.$", data["reponse"])
    assert 7 in result.dropped_citations  # a marker inside the JSON was checked like any other
    assert re.search(r"inférence \[\d\]\.$", data["points_cles"][0])


def test_a_broken_json_reply_is_reported_and_still_checked(indexed):
    tutor = make_tutor(indexed, "Voici : un prompt est une demande textuelle donnée à un modèle de base [1].")
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-json"))
    assert result.format_ok is False and not result.refused and result.citations


def test_compare_returns_two_complete_results_that_differ_only_by_prompt(indexed):
    tutor = make_tutor(indexed, "Un prompt est une demande textuelle donnée à un modèle de base [1].",
                       "- Un prompt est une demande textuelle donnée à un modèle de base [1].")
    first, second = compare(tutor, "Qu'est-ce qu'un prompt ?", ["zero-shot", "format-list"])
    for result in (first, second):
        assert result.answer and result.citations and result.prompt["parts"] and result.technique_note
        assert result.question == "Qu'est-ce qu'un prompt ?" and result.language == "fr"
    assert (first.technique, second.technique) == ("zero-shot", "format-list")
    assert second.answer.startswith("- ")
    texts = [{p["name"]: p["text"] for p in r.prompt["parts"]} for r in (first, second)]
    assert texts[0]["context"] == texts[1]["context"]  # same extracts
    assert texts[0]["output_format"] != texts[1]["output_format"]


def test_a_reply_with_nothing_but_markers_is_declined(indexed):
    tutor = make_tutor(indexed, "- - [1]\n- - [2]\n- - [3]", fake_verdicts=[0.0])
    result = tutor.ask("Quelles sont les quatre parties d'un prompt ?", options=AskOptions(technique="format-list"))
    assert result.refused and result.refusal_reason == "unsupported"



def test_a_broken_promise_code_cannot_repair_gets_one_second_attempt_with_the_failure_named(indexed):
    # A one-point list for a learner who reads English: the French course cannot lend a second point in the
    # learner's language, so the model tries again, told what it missed.
    first = "- Un prompt est une demande textuelle donnée à un modèle de base [1]."
    two = first + "\n- La réponse générée par le modèle s'appelle une inférence [1]."
    tutor = make_tutor(indexed, first, two)
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-list", language="en"))
    assert result.technique_retried and result.promise_kept and result.promise_kept_by_model
    assert result.answer.count("\n- ") == 1 and "inférence" in result.answer and result.citations
    answers = [call for call in tutor.llm.model.calls if "HORS_COURS" in call[0].content]
    assert len(answers) == 2
    assert answers[1][-2].content == first  # its own first answer...
    assert "it has 1 point(s)" in answers[1][-1].content  # ...and what it missed, in the learner's language


def test_a_second_attempt_that_still_breaks_the_promise_is_not_shown_and_the_plain_prompt_is_tried(indexed):
    first = "- Un prompt est une demande textuelle donnée à un modèle de base [1]."
    plain = "Un prompt est une demande textuelle [1]. La réponse du modèle s'appelle une inférence [1]."
    tutor = make_tutor(indexed, first, "Un prompt est une demande [1].", plain)
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-list", language="en"))
    assert not result.technique_retried and result.technique_fallback and result.promise_kept
    assert result.answer.startswith("- Un prompt est une demande textuelle [1].\n- ")  # the plain answer, as a list
    calls = [call for call in tutor.llm.model.calls if "HORS_COURS" in call[0].content]
    assert len(calls) == 3 and "deux à cinq" not in calls[2][0].content  # the third is the plain prompt


def test_when_nothing_keeps_the_promise_the_techniques_first_answer_is_shown(indexed):
    first = "- Un prompt est une demande textuelle donnée à un modèle de base [1]."
    tutor = make_tutor(indexed, first, "Un prompt est une demande [1].", "Un prompt est une demande textuelle [1].")
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-list", language="en"))
    assert not result.promise_kept and result.answer == first and not result.technique_fallback
    assert len([call for call in tutor.llm.model.calls if "HORS_COURS" in call[0].content]) == 3  # no more


def test_a_technique_never_turns_an_in_course_answer_into_a_decline(indexed):
    # Nothing the model wrote under the technique holds: the plain prompt answers, given the list's shape, and
    # the chat is told to withdraw what it streamed.
    plain = "Un prompt est une demande textuelle donnée à un modèle de base [1]."
    tutor = make_tutor(indexed, "- - [1]\n- - [2]", plain)
    events = list(tutor.stream("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-list")))
    result = events[-1].result
    assert not result.refused and result.technique_fallback and result.technique == "format-list"
    assert result.promise_kept and result.answer.startswith("- ") and result.citations
    restart = [n for n, e in enumerate(events) if isinstance(e, Stage) and e.name == "restart"]
    assert len(restart) == 1
    assert "".join(e.text for e in events[restart[0]:] if isinstance(e, Token)).strip() == plain


def test_an_empty_table_under_a_technique_is_nothing_said_and_the_plain_prompt_answers(indexed):
    plain = "Un prompt est une demande textuelle donnée à un modèle de base [1]."
    tutor = make_tutor(indexed, "Élément | Explication\n---|---", plain)
    result = tutor.ask("Qu'est-ce qu'un prompt ?", options=AskOptions(technique="format-table"))
    assert not result.refused and result.technique_fallback and "demande textuelle" in result.answer
