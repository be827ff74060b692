"""Text-to-image on Amazon Bedrock for the prompt lab: Titan Image Generator or Stability models.

Each model family takes its own request body; all of them return base64 images. Failures become an
`ImageError` with a message for the learner (what to configure, or why the model refused).
"""

from __future__ import annotations

import base64
import json
import logging

from tutor.config import Settings
from tutor.errors import LearnerError
from tutor.i18n import Text

log = logging.getLogger(__name__)


class ImageError(LearnerError):
    """No image; the message says why (what to configure, or why the model refused)."""

    def __init__(self, fr: str, en: str, detail: str = ""):
        super().__init__("image", Text(fr, en), detail)


def not_configured() -> ImageError:
    return ImageError("Aucun modèle d'image n'est configuré, je ne peux donc pas dessiner ces prompts. Pour voir les images, "
              "configurez Amazon Bedrock : `TUTOR_IMAGE__PROVIDER=bedrock`, `TUTOR_IMAGE__MODEL` (par exemple "
              "`amazon.titan-image-generator-v2:0` ou `stability.sd3-large-v1:0`), une région (`TUTOR_IMAGE__REGION`) "
              "et des identifiants AWS ayant accès à ce modèle.",
        "No image model is configured, so I can't draw these prompts. To see the images, configure Amazon "
              "Bedrock: `TUTOR_IMAGE__PROVIDER=bedrock`, `TUTOR_IMAGE__MODEL` (e.g. `amazon.titan-image-generator-v2:0` "
              "or `stability.sd3-large-v1:0`), a region (`TUTOR_IMAGE__REGION`) and AWS credentials with access to it.")


def request_body(model: str, prompt: str, negative: str, size: int, seed: int) -> dict:
    """The InvokeModel body for `model`'s family."""
    if model.startswith("amazon.titan-image"):
        params = {"text": prompt[:512]}
        if len(negative) >= 3:
            params["negativeText"] = negative[:512]
        return {"taskType": "TEXT_IMAGE", "textToImageParams": params,
                "imageGenerationConfig": {"numberOfImages": 1, "width": size, "height": size, "cfgScale": 8.0,
                                          "seed": seed}}
    if model.startswith("stability.stable-diffusion-xl"):
        prompts = [{"text": prompt, "weight": 1.0}] + ([{"text": negative, "weight": -1.0}] if negative else [])
        return {"text_prompts": prompts, "cfg_scale": 7, "steps": 30, "seed": seed, "width": 1024, "height": 1024}
    if model.startswith("stability."):
        body = {"prompt": prompt, "output_format": "png", "seed": seed}
        if negative:
            body["negative_prompt"] = negative
        if "sd3" in model:
            body["mode"] = "text-to-image"
        return body
    raise ImageError(f"Le modèle d'image « {model} » n'est pas pris en charge (Titan Image Generator ou "
                            "Stability sur Bedrock).",
                      f"The image model “{model}” is not supported (Titan Image Generator or Stability on "
                            "Bedrock).")


def decode_images(data: dict) -> list[bytes]:
    """The images of a Titan or Stability response (base64 in `images` or in `artifacts`)."""
    if data.get("error"):
        raise ImageError(f"Le modèle d'image a refusé ce prompt : {data['error']}",
                          f"The image model refused this prompt: {data['error']}")
    encoded = data.get("images") or [a["base64"] for a in data.get("artifacts", [])
                                     if a.get("finishReason") in (None, "SUCCESS")]
    if not encoded:
        raise ImageError("Le modèle d'image n'a renvoyé aucune image (prompt filtré ?).",
                          "The image model returned no image (was the prompt filtered?).")
    return [base64.b64decode(e) for e in encoded]


class BedrockImageGenerator:
    """Calls InvokeModel on bedrock-runtime; `client` may be given (tests use botocore's Stubber)."""

    def __init__(self, settings: Settings, client=None):
        self.cfg = settings.image
        self.region = self.cfg.region or settings.llm.region or None
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("bedrock-runtime", region_name=self.region)
        return self._client

    def generate(self, prompt: str, negative: str = "") -> bytes:
        body = request_body(self.cfg.model, prompt, negative, self.cfg.size, self.cfg.seed)
        try:
            response = self.client.invoke_model(modelId=self.cfg.model, body=json.dumps(body),
                                                contentType="application/json", accept="application/json")
            data = json.loads(response["body"].read())
        except ImageError:
            raise
        except Exception as exc:  # credentials, access, validation, throttling, network
            log.warning("image generation failed: %s", exc)
            raise ImageError(f"Bedrock n'a pas pu générer l'image ({type(exc).__name__} : {exc}). Vérifiez vos identifiants "
                      "AWS, la région et l'accès au modèle.",
                f"Bedrock could not generate the image ({type(exc).__name__}: {exc}). Check your AWS "
                      "credentials, the region and access to the model.",
                str(exc)) from exc
        return decode_images(data)[0]


def make_image_generator(settings: Settings, client=None) -> BedrockImageGenerator:
    """The configured image model; raises `not_configured()` when there is none."""
    if settings.image.provider != "bedrock":
        raise not_configured()
    return BedrockImageGenerator(settings, client=client)
