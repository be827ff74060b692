"""Lessons from the browser: upload, review, index, delete, revert; a failed change changes nothing."""

import html
import re

from documents import QUANTIZATION, make_docx, make_pdf

from tutor.course.index import IndexStore


def upload(client, name, data, course="main"):
    response = client.post(f"/instructors/courses/{course}/upload", files={"file": (name, data)},
                           follow_redirects=False)
    return response


def review_form(page: str) -> dict:
    form = {name: value for name, value in re.findall(r'<input name="(\w+)"[^>]*value="([^"]*)"', page)}
    form["body"] = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    return {k: html.unescape(v) for k, v in form.items()}


def index_draft(client, location, **changes):
    page = client.get(location).text
    form = {**review_form(page), **changes, "decision": "index"}
    response = client.post(location, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    client.wait_jobs()
    return client.get(response.headers["location"]).text


def lesson_ids(client, course="main"):
    return [x["id"] for x in client.get(f"/instructors/api/courses/{course}/lessons").json()["lessons"]]


def test_the_lessons_page_lists_the_course(client, accounts):
    page = client.get("/instructors/courses/main").text
    manifest = IndexStore(accounts.index_dir).manifest()
    for lesson in manifest["lessons"]:
        assert lesson["title"].replace("'", "&#39;") in page
    assert manifest["version"] in page


def test_a_pdf_is_converted_reviewed_indexed_recorded_and_reverted(client, accounts):
    before = IndexStore(accounts.index_dir).current_name()
    response = upload(client, "quantification.pdf", make_pdf(QUANTIZATION))
    assert response.status_code == 303
    review = client.get(response.headers["location"]).text
    assert "# La quantification des modèles" in review and "## Pourquoi quantifier ?" in review
    assert "Pourquoi quantifier ?" in re.search(r'<ol id="sections">(.*?)</ol>', review, re.S).group(1)
    assert IndexStore(accounts.index_dir).current_name() == before  # nothing indexed before "Index"

    done = index_draft(client, response.headers["location"], id="quantification", tags="gguf, poids")
    assert "la nouvelle version est en service" in done
    after = IndexStore(accounts.index_dir).current_name()
    assert after != before and "quantification" in lesson_ids(client)
    chunks = [c for c in IndexStore(accounts.index_dir).manifest()["chunks"] if c["lesson_id"] == "quantification"]
    assert {c["section"] for c in chunks} == {"Pourquoi quantifier ?", "Le format GGUF"}
    assert (accounts.knowledge.dir / "quantification.md").read_text().startswith("---\nid: quantification\n")

    api = client.get("/instructors/api/courses/main/lessons").json()
    change = api["changes"][0]
    assert (change["action"], change["by"], change["lesson_id"]) == ("add", "prof", "quantification")
    assert (change["index_before"], change["index_after"]) == (before, after)

    response = client.post("/instructors/courses/main/lessons/quantification/revert", follow_redirects=False)
    client.wait_jobs()
    assert "la nouvelle version est en service" in client.get(response.headers["location"]).text
    assert "quantification" not in lesson_ids(client)
    assert not (accounts.knowledge.dir / "quantification.md").exists()
    change = client.get("/instructors/api/courses/main/lessons").json()["changes"][0]
    assert (change["action"], change["reverts"], change["index_before"]) == ("revert", api["changes"][0]["id"], after)


def test_a_word_document_keeps_its_headings(client):
    data = make_docx([("Heading1", "Les embeddings"), ("", "Un embedding est une liste de nombres."),
                      ("Heading2", "Comparer des textes"), ("", "On compare les vecteurs par le cosinus.")])
    response = upload(client, "embeddings.docx", data)
    review = client.get(response.headers["location"]).text
    assert "## Comparer des textes" in review and 'value="les-embeddings"' in review


def test_replacing_a_lesson_then_reverting_restores_the_previous_text(client, accounts):
    ids = lesson_ids(client)
    target = ids[0]
    path = next(p for p in accounts.knowledge.dir.rglob("*.md") if f"id: {target}\n" in p.read_text())
    original = path.read_text()
    text = f"---\nid: {target}\ntitle: Nouvelle version\norder: 1\n---\n# Nouvelle version\n\n## Partie\n\nUn texte neuf.\n"
    response = upload(client, "new.md", text.encode())
    review = client.get(response.headers["location"]).text
    assert "remplacera la leçon existante" in review
    index_draft(client, response.headers["location"])
    assert "Un texte neuf." in path.read_text()
    client.post(f"/instructors/courses/main/lessons/{target}/revert")
    client.wait_jobs()
    assert path.read_text() == original


def test_delete_then_revert_brings_the_lesson_back(client, accounts):
    target = lesson_ids(client)[-1]
    client.post(f"/instructors/courses/main/lessons/{target}/delete")
    client.wait_jobs()
    assert target not in lesson_ids(client)
    page = client.get("/instructors/courses/main").text
    assert f"/lessons/{target}/revert" in page  # a deleted lesson can be brought back
    client.post(f"/instructors/courses/main/lessons/{target}/revert")
    client.wait_jobs()
    assert target in lesson_ids(client)


def test_bad_uploads_are_explained_and_change_nothing(client, accounts):
    version = IndexStore(accounts.index_dir).current_name()
    files = sorted(p.name for p in accounts.knowledge.dir.rglob("*"))
    for name, data, message in [
        ("notes.odt", b"PK...", "type de fichier non pris en charge"),
        ("vide.md", b"  \n", "le fichier est vide"),
        ("latin1.md", "é".encode("latin-1") * 10, "UTF-8"),
        ("cassé.md", b"---\nid: x\ntitle: [\n---\ntexte", "YAML"),
    ]:
        response = upload(client, name, data)
        assert response.status_code == 422 and message in response.text, (name, response.text[-800:])
    # Reviewed drafts are validated like `tutor ingest`: a duplicate id in another file, template tokens, no text.
    other = lesson_ids(client)[1]
    response = upload(client, "dup.txt", b"Un titre\n\nDu texte.")
    location = response.headers["location"]
    page = client.post(location, data={**review_form(client.get(location).text), "id": "Pas Valide"}).text
    assert "ne peut pas être indexé" in page
    page = client.post(location, data={**review_form(client.get(location).text),
                                       "body": "Texte <|im_start|>system"}).text
    assert "jetons de modèle de chat" in page
    path = next(p for p in accounts.knowledge.dir.rglob("*.md") if f"id: {other}\n" in p.read_text())
    path.write_text(path.read_text().replace(f"id: {other}\n", f"id: {lesson_ids(client)[0]}\n"))  # broken by hand
    page = client.post(location, data={**review_form(client.get(location).text), "id": "nouvelle"},
                       follow_redirects=True).text
    assert "duplicate lesson id" in page
    assert IndexStore(accounts.index_dir).current_name() == version
    assert sorted(p.name for p in accounts.knowledge.dir.rglob("*")) == files


def test_a_failed_reindex_puts_the_file_back(client, accounts, monkeypatch):
    from tutor.course import ingest

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "ingest", broken)
    version = IndexStore(accounts.index_dir).current_name()
    target = lesson_ids(client)[0]
    response = client.post(f"/instructors/courses/main/lessons/{target}/delete", follow_redirects=False)
    client.wait_jobs()
    page = html.unescape(client.get(response.headers["location"]).text)
    assert "rien n'a changé" in page and "Erreur inattendue" in page
    assert target in lesson_ids(client) and IndexStore(accounts.index_dir).current_name() == version
    assert any(f"id: {target}\n" in p.read_text() for p in accounts.knowledge.dir.rglob("*.md"))
