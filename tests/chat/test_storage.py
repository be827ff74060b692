"""Stored chat elements are served back with their own type, except types a browser could run."""

import asyncio

from tutor.chat.storage import LocalStorageClient


def test_images_keep_their_type_and_html_is_served_as_text(tmp_path):
    storage = LocalStorageClient(tmp_path / "elements")

    async def upload():
        await storage.upload_file("learner/1/image", b"\x89PNG\r\n", mime="image/png")
        await storage.upload_file("learner/2/page", "<script>alert(1)</script>", mime="text/html")
        await storage.upload_file("learner/3/source", "Un prompt est une demande textuelle.")

    asyncio.run(upload())
    assert storage.media_type(storage.path_for("learner/1/image")) == "image/png"
    assert storage.media_type(storage.path_for("learner/2/page")) == "text/plain"
    assert storage.media_type(storage.path_for("learner/3/source")) == "text/plain"  # no type given
    assert storage.path_for("../outside") is None
    asyncio.run(storage.delete_file("learner/1/image"))
    assert not (tmp_path / "elements" / "learner" / "1" / "image.mime").exists()
