"""`careguide load-content`: idempotent, all-or-nothing, clear errors naming file and field."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from careguide.library.content.files import ContentError, read_content
from careguide.library.models import ConditionPage, GlossaryTerm, LibraryPage, TopicPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def load(path):
    call_command("load_content", str(path), verbosity=0)


def snapshot():
    return (Page.objects.count(), Revision.objects.count(), GlossaryTerm.objects.count(),
            sorted(LibraryPage.objects.values_list("slug", "title")))


def test_loading_again_changes_nothing(content, capsys):
    before = snapshot()
    call_command("load_content", str(content))
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 29 unchanged" in out
    assert snapshot() == before


def test_changed_file_becomes_a_new_revision_and_history_is_kept(content, client):
    page = ConditionPage.objects.get(slug="bone-cancer")
    revisions = page.revisions.count()
    path = content / "pages/conditions/bone-cancer.yaml"
    path.write_text(path.read_text().replace("title: Bone cancer", "title: Bone cancer (updated)", 1))
    load(content)
    page.refresh_from_db()
    assert page.title == "Bone cancer (updated)"
    assert page.revisions.count() == revisions + 1
    assert "Bone cancer (updated)" in client.get(page.url).content.decode()
    assert Page.objects.filter(slug="bone-cancer").count() == 1


def test_editor_changes_survive_a_reload_of_unchanged_files(content, editor):
    page = TopicPage.objects.get(slug="screening")
    page.summary = "An editor improved this summary in the admin."
    page.save_revision(user=editor).publish()
    load(content)
    page.refresh_from_db()
    assert page.summary == "An editor improved this summary in the admin."


def test_new_page_file_is_created_under_its_parent(content, client):
    (content / "pages/about-cancer/coping.yaml").write_text(
        """kind: topic
slug: coping
parent: about-cancer
title: Coping with worry
summary: Ways to cope with worry while you wait for tests and treatment.
review: {last_reviewed: 2026-11-01, reviewer_role: Oncology social worker}
sources: [{title: Our own guidance}]
body:
  - type: text
    text: Talk with someone you trust. Write down your questions.
  - type: when_to_get_help
    urgent: ["You feel you cannot cope. Call your care team."]
"""
    )
    load(content)
    page = TopicPage.objects.get(slug="coping")
    assert page.get_parent().slug == "about-cancer"
    assert page.live and page.next_review_due.isoformat() == "2027-11-01"
    assert client.get("/about-cancer/coping/").status_code == 200


@pytest.mark.parametrize(
    ("file", "edit", "where"),
    [
        ("pages/conditions/bone-cancer.yaml", lambda t: t.replace("title: Bone cancer", "title: [unclosed", 1),
         "pages/conditions/bone-cancer.yaml: line"),
        ("pages/conditions/bone-cancer.yaml", lambda t: t.replace("summary:", "summery:", 1),
         "pages/conditions/bone-cancer.yaml: summary: Field required"),
        ("pages/about-cancer/screening.yaml", lambda t: t.replace("kind: topic", "kind: leaflet", 1),
         "pages/about-cancer/screening.yaml: kind: Input should be"),
        ("glossary.yaml", lambda t: t.replace("definition:", "meaning:", 1),
         "glossary.yaml: terms[0].definition: Field required"),
        ("pages/conditions/bone-cancer.yaml", lambda t: t.replace("parent: conditions", "parent: nowhere", 1),
         "pages/conditions/bone-cancer.yaml: parent: no page has the slug 'nowhere'"),
    ],
)
def test_malformed_file_is_named_with_its_field_and_nothing_is_written(content, file, edit, where):
    path = content / file
    path.write_text(edit(path.read_text()))
    (content / "pages/extra.yaml").write_text(
        "kind: topic\nslug: extra\nparent: home\ntitle: Extra\nsummary: A page that must not appear.\n"
        "review: {last_reviewed: 2026-11-01, reviewer_role: Nurse}\nsources: [{title: x}]\n"
        "body: [{type: when_to_get_help, urgent: [x]}]\n"
    )
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        load(content)
    assert where in str(excinfo.value)
    assert "Nothing was written." in str(excinfo.value)
    assert snapshot() == before


def test_failure_midway_through_writing_rolls_everything_back(content):
    # A new page (written first) and a page whose kind changed (detected while writing).
    (content / "pages/aaa-new.yaml").write_text(
        "kind: topic\nslug: aaa-new\nparent: home\norder: 1\ntitle: New\nsummary: A page that must not appear.\n"
        "review: {last_reviewed: 2026-11-01, reviewer_role: Nurse}\nsources: [{title: x}]\n"
        "body: [{type: when_to_get_help, urgent: [x]}]\n"
    )
    path = content / "pages/about-cancer/screening.yaml"
    path.write_text(path.read_text().replace("kind: topic", "kind: treatment", 1).replace(
        "parent: about-cancer", "parent: treatments", 1))
    term = GlossaryTerm.objects.get(slug="biopsy")
    (content / "glossary.yaml").write_text((content / "glossary.yaml").read_text().replace(
        term.definition, "A changed definition that must not be saved.", 1))
    before = snapshot()
    with pytest.raises(CommandError, match="screening.yaml: kind: page 'screening' already exists"):
        load(content)
    assert snapshot() == before
    assert not Page.objects.filter(slug="aaa-new").exists()
    term.refresh_from_db()
    assert term.definition != "A changed definition that must not be saved."


def test_duplicate_slugs_are_refused(content):
    shutil.copy(content / "pages/about-cancer/screening.yaml", content / "pages/screening-copy.yaml")
    with pytest.raises(ContentError, match="slug: 'screening' is already used by"):
        read_content(content)


def test_missing_when_to_get_help_is_refused(content):
    path = content / "pages/about-cancer/screening.yaml"
    text = path.read_text()
    text = text[: text.index("  - type: when_to_get_help")] if "  - type: when_to_get_help" in text else text
    path.write_text(text)
    with pytest.raises(ContentError, match="when_to_get_help"):
        read_content(content)


def test_home_page_replaces_wagtails_welcome_page_on_a_fresh_site(db):
    from wagtail.models import Site

    from careguide.library.models import HomePage

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()
