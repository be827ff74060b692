"""Prompt lab rounds with the fake model chosen by settings; image prompts against Bedrock's real client
with its request and response stubbed by botocore's Stubber."""

import base64
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from tutor.engine.events import Done, Stage, Token
from tutor.engine.input import QuestionError
from tutor.engine.tutor import Tutor
from tutor.prompting.lab import LabRound, PromptLab, improve_with_template, split_negative
from tutor.prompting.rubric import score
from tutor.providers.images import ImageError, decode_images, make_image_generator, request_body

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
REVIEW = ("Critique : Le prompt ne dit ni pour qui ni sous quelle forme répondre.\n"
          "Prompt amélioré : Je débute en IA générative. Explique ce qu'est un modèle de base en trois phrases "
          "simples.\nVoici le sujet : « les modèles de base ».")


def lab(settings, *responses, image=None, client=None):
    cfg = settings.llm.model_copy(update={"provider": "fake", "fake_responses": list(responses)})
    updates = {"llm": cfg} | ({"image": settings.image.model_copy(update=image)} if image else {})
    return PromptLab(Tutor(settings.model_copy(update=updates)), image_client=client)


def run(prompt_lab, text, **kwargs):
    events = list(prompt_lab.stream(text, **kwargs))
    assert isinstance(events[-1], Done) and isinstance(events[-1].result, LabRound)
    return events[:-1], events[-1].result


def test_a_round_scores_reviews_improves_and_runs_both_prompts(settings):
    events, result = run(lab(settings, REVIEW, "Réponse au prompt d'origine.", "Réponse au prompt amélioré."),
                         "Parle-moi des modèles de base")
    stages = [e.name if isinstance(e, Stage) else type(e).__name__ for e in events]
    assert stages[:2] == ["rubric", "review"] and set(stages[2:]) == {"Token"}
    assert {e.channel for e in events if isinstance(e, Token)} == {"original", "improved"}
    assert (result.rubric.score, result.rubric.total) == (2, 7)
    assert result.critique.startswith("Le prompt ne dit ni pour qui")
    assert result.improved_by == "model" and result.improved.startswith("Je débute en IA générative.")
    assert result.improved_rubric.score > result.rubric.score
    assert any(c.startswith("Un bon prompt est contextuel") for c in result.changes)
    assert result.changes[-1].startswith("Ajuster et réessayer")
    assert result.answers == {"original": "Réponse au prompt d'origine.", "improved": "Réponse au prompt amélioré."}


def test_the_runs_send_the_prompts_as_they_are(settings):
    prompt_lab = lab(settings, REVIEW, "a", "b")
    run(prompt_lab, "Parle-moi des modèles de base")
    calls = prompt_lab.tutor.llm.model.calls
    assert "Prompt de l'apprenant" in calls[0][-1].content and "✘ Contexte" in calls[0][-1].content
    assert [m.content for m in calls[1]] == ["Parle-moi des modèles de base"]  # no system prompt, nothing added
    assert calls[2][0].content.startswith("Je débute en IA générative.")


def test_the_template_wins_when_the_models_version_scores_lower(settings):
    _, result = run(lab(settings, "Critique : Trop court.\nPrompt amélioré : Parle des modèles.", "a", "b"), "IA")
    assert result.improved_by == "template" and result.improved_rubric.score == 7
    assert result.improved.startswith("Instructions : explique clairement ce qui suit.\nIA\nContexte :")


def test_the_learner_iterates_and_sees_the_score_move(settings):
    prompt_lab = lab(settings, REVIEW, "a", "b")
    _, first = run(prompt_lab, "Parle-moi des modèles de base")
    _, second = run(prompt_lab, first.improved, previous=first)
    assert (second.attempt, second.previous_score) == (2, first.rubric.score)
    assert second.rubric.score > first.rubric.score
    _, image = run(prompt_lab, "Dessine un chat", previous=second)
    assert (image.attempt, image.previous_score) == (1, None)  # a new kind of prompt starts over


def test_english_prompts_get_english_feedback(settings):
    _, result = run(lab(settings, "Critique: Too short.\nImproved prompt: Explain it.", "a", "b"), "Tell me about LLMs")
    assert result.language == "en" and result.improved_by == "template"
    assert result.improved.splitlines()[:2] == ["Tell me about LLMs", "Context: I am a beginner following the course "
                                                "\"Comment fonctionne l'IA générative\"; I want an explanation without "
                                                "jargon."]
    assert result.changes[-1].startswith("Adjust and retry")


def test_empty_prompts_are_refused_before_any_model_call(settings):
    prompt_lab = lab(settings, "x")
    with pytest.raises(QuestionError):
        list(prompt_lab.stream("   "))
    assert prompt_lab.tutor.llm.model.calls == []


def test_image_prompts_without_an_image_model_say_what_to_configure(settings):
    events, result = run(lab(settings, "Critique : Il manque le style.\nPrompt amélioré : Un chat."), "Dessine un chat")
    assert result.rubric.kind == "image" and result.images == {} and result.answers == {}
    assert events[-1].name == "image_error" and "TUTOR_IMAGE__PROVIDER=bedrock" in result.image_note
    assert result.improved_by == "template" and "Prompt négatif :" in result.improved


def bedrock_client():
    return boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def body(data: dict) -> StreamingBody:
    raw = json.dumps(data).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def test_titan_draws_both_prompts_through_the_real_client(settings):
    client = bedrock_client()
    image = {"provider": "bedrock", "model": "amazon.titan-image-generator-v2:0", "size": 512, "seed": 7}
    prompt_lab = lab(settings, "Critique : Il manque le style.\nPrompt amélioré : Un chat.", image=image, client=client)
    improved = improve_with_template("Dessine un chat", score("Dessine un chat"), "fr")
    with Stubber(client) as stub:
        for text in ("Dessine un chat", improved):
            sent = request_body("amazon.titan-image-generator-v2:0", *split_negative(text), 512, 7)
            stub.add_response("invoke_model", {"body": body({"images": [base64.b64encode(PNG).decode()]}),
                                               "contentType": "application/json"},
                              {"modelId": "amazon.titan-image-generator-v2:0", "body": json.dumps(sent),
                               "contentType": "application/json", "accept": "application/json"})
        events, result = run(prompt_lab, "Dessine un chat")
        stub.assert_no_pending_responses()
    assert result.improved == improved and "negativeText" in sent["textToImageParams"]
    assert result.images == {"original": PNG, "improved": PNG} and result.image_note == ""
    assert [e.channel for e in events if isinstance(e, Stage) and e.name == "image"] == ["original", "improved"]


def test_the_exact_titan_body_with_its_negative_prompt(settings):
    client = bedrock_client()
    settings = settings.model_copy(update={"image": settings.image.model_copy(update={"provider": "bedrock"})})
    generator = make_image_generator(settings, client=client)
    sent = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "Un chat roux", "negativeText": "texte, flou"},
            "imageGenerationConfig": {"numberOfImages": 1, "width": 512, "height": 512, "cfgScale": 8.0, "seed": 0}}
    with Stubber(client) as stub:
        stub.add_response("invoke_model", {"body": body({"images": [base64.b64encode(PNG).decode()]}),
                                           "contentType": "application/json"},
                          {"modelId": "amazon.titan-image-generator-v2:0", "body": json.dumps(sent),
                           "contentType": "application/json", "accept": "application/json"})
        assert generator.generate("Un chat roux", "texte, flou") == PNG


def test_bedrock_errors_become_plain_messages(settings):
    client = bedrock_client()
    settings = settings.model_copy(update={"image": settings.image.model_copy(update={"provider": "bedrock"})})
    generator = make_image_generator(settings, client=client)
    with Stubber(client) as stub:
        stub.add_client_error("invoke_model", "AccessDeniedException", "You don't have access to the model")
        with pytest.raises(ImageError) as caught:
            generator.generate("Un chat")
    assert "Vérifiez vos identifiants AWS" in caught.value.message("fr")
    assert "AccessDeniedException" in caught.value.message("en")


def test_stability_bodies_and_responses():
    sdxl = request_body("stability.stable-diffusion-xl-v1", "a cat", "blur", 512, 1)
    assert sdxl["text_prompts"] == [{"text": "a cat", "weight": 1.0}, {"text": "blur", "weight": -1.0}]
    sd3 = request_body("stability.sd3-large-v1:0", "a cat", "", 512, 1)
    assert sd3 == {"prompt": "a cat", "output_format": "png", "seed": 1, "mode": "text-to-image"}
    assert decode_images({"artifacts": [{"base64": base64.b64encode(PNG).decode(), "finishReason": "SUCCESS"}]}) == [PNG]
    with pytest.raises(ImageError, match="returned no image"):
        decode_images({"artifacts": [{"base64": "", "finishReason": "CONTENT_FILTERED"}]})
    with pytest.raises(ImageError, match="not supported"):
        request_body("openai.dall-e", "a cat", "", 512, 1)
