"""The prompt-engineering handlers in a real Chainlit context: technique choice, anatomy, compare, lab."""

import chainlit as cl

from tutor.chat import commands

ANSWER = "Un prompt est une demande textuelle donnée à un modèle de base [1]."
REVIEW = ("Critique : Il manque le contexte et le format.\nPrompt amélioré : Je débute en IA générative. Explique "
          "ce qu'est un modèle de base en trois phrases simples.\nVoici le sujet : « les modèles de base ».")


def actions(emitter, name):
    return [e[2] for e in emitter.events if e[0] == "emit" and e[1] == "action" and e[2]["name"] == name]


def click(name):
    """A step for the chat fixture: click the last action called `name`."""
    async def step(emitter):
        data = actions(emitter, name)[-1]
        callback = {"anatomy": commands.on_anatomy, "compare": commands.on_compare,
                    "lab_retry": commands.on_lab_retry}[name]
        await callback(cl.Action(name=data["name"], payload=data["payload"], label=data["label"]))
    return step


def outputs(emitter):
    return [m["output"] for m in emitter.messages()]


def test_technique_command_lists_switches_and_keeps_the_settings_panel_in_step(chat):
    emitter = chat("/technique", "/technique few-shot", "Qu'est-ce qu'un prompt ?", replies=[ANSWER])
    listing, confirmation, answer = outputs(emitter)
    assert "`chain-of-thought`" in listing and "Réponse directe (zero-shot)** ✅" in listing
    assert confirmation.startswith("C'est noté : je réponds désormais avec la technique **Avec exemples (few-shot)**")
    panels = emitter.of("chat_settings")
    assert len(panels) == 2  # chat start, then re-sent after the command
    assert "Technique : Avec exemples (few-shot)" in answer and "Parties modifiées : Instructions" in answer
    assert emitter.messages()[-1]["metadata"]["technique"] == "few-shot"


def test_the_settings_panel_picks_the_technique(chat):
    emitter = chat({"technique": "role"}, "Qu'est-ce qu'un prompt ?", replies=[ANSWER])
    assert emitter.messages()[-1]["metadata"]["technique"] == "role"
    assert "Technique : Jeu de rôle (role prompting)" in outputs(emitter)[-1]


def test_unknown_technique_is_answered_in_french(chat):
    emitter = chat("/technique telepathie")
    assert outputs(emitter)[-1].startswith("Je ne connais pas la technique « telepathie »")


def test_anatomy_shows_the_exact_prompt_in_four_labelled_parts_with_the_lesson(chat):
    emitter = chat("Qu'est-ce qu'un prompt ?", click("anatomy"), "/anatomie", replies=[ANSWER])
    anatomy = outputs(emitter)[-2]
    assert anatomy == outputs(emitter)[-1]  # the button and the command show the same
    assert anatomy.startswith("### Anatomie du prompt")
    for label in ("**1. Instructions** — ", "**2. Contexte** — ", "**3. Données d'entrée** — ", "**4. Sortie** — "):
        assert label in anatomy
    payload = actions(emitter, "anatomy")[-1]["payload"]
    for part in payload["prompt"]["parts"]:
        assert part["text"] in anatomy  # verbatim, as the engine built it
    lesson = [e for e in emitter.of("element") if e["name"].endswith("La structure d'un prompt : quatre parties")]
    assert lesson and lesson[-1]["display"] == "side" and lesson[-1]["name"] in anatomy


def test_anatomy_before_any_answer_explains_itself(chat):
    emitter = chat("/anatomie")
    assert outputs(emitter)[-1].startswith("Posez d'abord une question")


def test_compare_shows_two_answers_and_two_prompts_side_by_side(chat):
    emitter = chat("/compare zero-shot format-list Qu'est-ce qu'un prompt ?",
                   replies=[ANSWER, "- " + ANSWER])
    intro = outputs(emitter)[-1]
    assert intro.startswith("**Comparaison : `zero-shot` et `format-list`**")
    side = [e for e in emitter.of("element") if e["type"] == "custom"][-1]
    assert side["name"] == "SideBySide" and side["display"] == "inline"
    columns = side["props"]["columns"]
    assert [c["heading"] for c in columns] == ["zero-shot", "format-list"]
    assert columns[1]["answer"].startswith("- Un prompt") and all(c["sources"] and c["prompt"] for c in columns)
    assert columns[0]["prompt"][3]["text"] != columns[1]["prompt"][3]["text"]  # the output formats differ
    steps = [s["name"] for s in emitter.of("send_step") if s.get("type") == "llm"]
    assert steps == ["Réponse avec zero-shot", "Réponse avec format-list"]


def test_compare_button_under_an_answer_and_bare_command(chat):
    emitter = chat("Qu'est-ce qu'un prompt ?", click("compare"), "/compare role", replies=[ANSWER])
    assert outputs(emitter)[-2].startswith("**Comparaison : `zero-shot` et `few-shot`**")
    assert outputs(emitter)[-1].startswith("**Comparaison : `zero-shot` et `role`**")  # last question reused
    emitter = chat("/compare")
    assert outputs(emitter)[-1].startswith("Pour comparer deux techniques")


def test_a_prompt_lab_round_then_a_retry_with_the_improved_prompt(chat):
    emitter = chat("/prompt Parle-moi des modèles de base", click("lab_retry"),
                   replies=[REVIEW, "Réponse A.", "Réponse B."])
    first, second = outputs(emitter)[-2:]
    assert first.startswith("### Laboratoire de prompt — essai 1\n**Score de la grille : 2/7**")
    assert "- ✘ Contexte — rien ne dit pour qui" in first and "**La critique du modèle** : Il manque" in first
    assert "Prompt amélioré** (proposé par le modèle, vérifié par la grille" in first
    assert second.startswith("### Laboratoire de prompt — essai 2\n**Score de la grille : ")
    assert "(essai précédent : 2/7, +" in second and "mieux" in second
    side = [e for e in emitter.of("element") if e["type"] == "custom"]
    assert side and side[0]["props"]["columns"][0]["answer"] == "Réponse A."
    assert side[0]["props"]["columns"][0]["heading"] == "Votre prompt (2/7)"
    names = [s["name"] for s in emitter.of("send_step")]
    assert {"Grille du cours", "Le modèle relit votre prompt", "Résultat de votre prompt",
            "Résultat du prompt amélioré"} <= set(names)


def test_image_prompt_lab_without_an_image_model(chat):
    emitter = chat("/prompt Dessine un chat", replies=["Critique : Il manque le style.\nPrompt amélioré : Un chat."])
    report = outputs(emitter)[-1]
    assert "prompt d'image" in report and "Score de la grille : 0/5" in report
    assert "TUTOR_IMAGE__PROVIDER=bedrock" in report and "Prompt négatif :" in report


def test_prompt_without_text_explains_the_lab(chat):
    emitter = chat("/prompt")
    assert outputs(emitter)[-1].startswith("Laboratoire de prompt : écrivez `/prompt`")


def test_a_draft_that_does_not_hold_under_a_technique_is_withdrawn_and_the_plain_answer_shown(chat):
    emitter = chat("/technique format-list", "Qu'est-ce qu'un prompt ?",
                   replies=["- - [1]\n- - [2]", "Un prompt est une demande textuelle donnée à un modèle de base [1]."])
    assert emitter.of("sequence") == ["…"]  # the streamed draft was replaced while the plain prompt answered
    final = emitter.messages()[-1]
    assert final["output"].startswith("- Un prompt est une demande textuelle") and not final["metadata"]["refused"]
    assert final["metadata"]["technique"] == "format-list"
