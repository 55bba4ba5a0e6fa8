"""Editors can publish (issue 14, item 8): what an editor changes in the admin, once a reviewer
approves it, is what search finds; and a failure to re-index never fails the publish.

Before: the reviewer's "Approve and publish" answered 500 because re-indexing (run after the
publish's commit, inside the request) failed on list items the admin stores as
{"type": "item", "value": ...}, and search kept the old words.
"""

import logging

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from wagtail_admin_support import add_list_item, edit_post, stream_form_data

from careguide.library.models import LibraryPage
from careguide.search import indexer, service
from careguide.search.models import IndexProblem

pytestmark = pytest.mark.django_db

NEW_POINT = "You can ask your care team about the kestrel study near you."


def found(query: str) -> list[str]:
    """The sections search finds for ``query`` itself (not for a spelling it corrected it to)."""
    response = service.search(query)
    return [hit.url for hit in response.results] if response.corrected_query is None else []


def notice(response) -> str:
    """The editors' "search could not index" notice on an admin page, as text ("" if none)."""
    found = BeautifulSoup(response.content, "html.parser").select_one("[data-index-problems]")
    return " ".join(found.get_text(" ").split()).replace(" .", ".").replace(" )", ")") if found else ""


def editor_submits_a_new_key_point(client, editor, page):
    client.force_login(editor)
    streams = add_list_item(stream_form_data(page), "body", "key_points", "items", NEW_POINT)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                           edit_post(client, page, streams, **{"action-submit": "Submit to Clinical review"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.current_workflow_state is not None  # waiting for a reviewer


def reviewer_approves(client, reviewer, page, capture):
    client.force_login(reviewer)
    data = edit_post(client, page, **{"action-workflow-action": "true", "workflow-action-name": "approve"})
    with capture(execute=True):  # the publish's after-commit work runs, as it does in production
        return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_a_list_item_an_editor_adds_is_found_once_a_reviewer_approves(
        client, editor, reviewer, django_capture_on_commit_callbacks):
    page = LibraryPage.objects.get(slug="clinical-trials")
    editor_submits_a_new_key_point(client, editor, page)
    assert found("kestrel") == []  # not live yet

    response = reviewer_approves(client, reviewer, page, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    live = LibraryPage.objects.get(pk=page.pk).specific
    assert live.live and live.body[0].value["items"][-1] == NEW_POINT
    assert found("kestrel") == [page.url + "#key-points"]
    assert "Clinical trials" in client.get(reverse("search:search") + "?q=kestrel").content.decode()
    assert not IndexProblem.objects.exists()


def test_a_failed_index_never_fails_the_publish_and_editors_see_it_until_it_works(
        client, editor, reviewer, django_capture_on_commit_callbacks, monkeypatch, caplog):
    page = LibraryPage.objects.get(slug="clinical-trials")
    editor_submits_a_new_key_point(client, editor, page)

    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read {NEW_POINT}")

    monkeypatch.setattr(indexer, "extract_sections", broken)
    with caplog.at_level(logging.INFO, logger="careguide.search.indexer"):
        response = reviewer_approves(client, reviewer, page, django_capture_on_commit_callbacks)
    assert response.status_code == 302  # published all the same
    live = LibraryPage.objects.get(pk=page.pk).specific
    assert live.live and not live.has_unpublished_changes and live.body[0].value["items"][-1] == NEW_POINT
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"Search indexing of page:{page.pk} failed (RuntimeError)" in logged
    assert "kestrel" not in logged  # the error names no page words

    client.force_login(editor)
    problem = IndexProblem.objects.get()
    when = timezone.localtime(problem.failed_at)
    for url in (reverse("clinical_review_report"), reverse("wagtailadmin_home")):
        assert notice(client.get(url)) == (
            f"Search could not index a page The pages are published, but search still shows them as they were "
            f"before. Publishing a page again tries again; this notice goes when it works. Indexing failed for "
            f"Clinical trials at {when:%Y-%m-%d %H:%M} (RuntimeError)."), url

    # The next index that works (a publish, or load-content's rebuild) clears the notice.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish(user=reviewer)
    assert not IndexProblem.objects.exists()
    assert notice(client.get(reverse("clinical_review_report"))) == ""
    assert found("kestrel") == [page.url + "#key-points"]
