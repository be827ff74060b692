"""Prompt files are checked at start-up: declared variables, no unknown keys, four named parts."""

import pytest

from tutor.prompting.prompts import PART_LABELS, PromptFileError, language_rule, load_prompt, load_prompts, placeholders


def test_every_prompt_file_loads_and_uses_exactly_its_variables():
    prompts = load_prompts()
    assert {"answer", "decline", "judge"} <= set(prompts)
    for prompt in prompts.values():
        used = set().union(*(placeholders(t) for t in prompt.templates().values()))
        assert used == set(prompt.variables), prompt.name


def test_the_engine_gives_the_answer_prompt_exactly_its_variables():
    parts = load_prompts()["answer"].render(language_rule=language_rule("fr"), extracts="[1] x", question="q {a}")
    assert parts.input.startswith("Question : q {a}")  # values are inserted once, never re-parsed
    assert [p["label"] for p in parts.as_dict()["parts"]] == [label.fr for label, _ in PART_LABELS.values()]
    with pytest.raises(KeyError, match="expected variables"):
        load_prompts()["answer"].render(question="q")


@pytest.mark.parametrize("text, message", [
    ("name: bad\ntitle: t\ndescription: d\nvariables: []\ninstructions: '{x}'\noutput_format: ''\ncontext: ''\ninput: ''\n",
     "undeclared variables"),
    ("name: bad\ntitle: t\ndescription: d\nvariables: [x, y]\ninstructions: '{x}'\noutput_format: ''\ncontext: ''\ninput: ''\n",
     "never used"),
    ("name: bad\ntitle: t\ndescription: d\nvariables: []\ninstructions: ''\noutput_format: ''\ncontext: ''\ninput: ''\n"
     "instructoins: typo\n", "Extra inputs are not permitted"),
    ("name: other\ntitle: t\ndescription: d\nvariables: []\ninstructions: ''\noutput_format: ''\ncontext: ''\ninput: ''\n",
     "must match the file name"),
    ("name: bad\ntitle: t\ndescription: d\nvariables: []\ninstructions: '{'\noutput_format: ''\ncontext: ''\ninput: ''\n",
     "literal braces"),
])
def test_broken_prompt_files_are_refused_with_the_reason(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PromptFileError, match=message):
        load_prompt(path)


def test_missing_required_prompts_are_reported(tmp_path):
    with pytest.raises(PromptFileError, match="missing prompt files answer.yaml"):
        load_prompts(tmp_path)
