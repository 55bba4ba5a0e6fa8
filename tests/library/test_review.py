"""Clinical review: editors submit, reviewers approve and publish; the approval sets the review
dates; `careguide review-due` and the admin report list pages due or overdue."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from careguide.library.models import ConditionPage, LibraryPage, TopicPage
from careguide.library.models.pages import next_review

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)


def test_next_review_follows_last_review_and_interval():
    assert next_review(dt.date(2026, 1, 31), 12) == dt.date(2027, 1, 31)
    assert next_review(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert next_review(None, 12) is None
    page = LibraryPage(last_reviewed=dt.date(2026, 3, 1), review_interval_months=6)
    assert page.compute_next_review() == dt.date(2026, 9, 1)


def test_editors_cannot_publish_reviewers_can(editor, reviewer):
    page = ConditionPage.objects.get(slug="bone-cancer")
    assert page.permissions_for_user(editor).can_edit()
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(reviewer).can_publish()
    assert page.get_workflow().name == "Clinical review"


@time_machine.travel(dt.datetime(2027, 2, 3, 10, 0), tick=False)
def test_editor_submits_reviewer_approves_in_admin_and_review_is_recorded(client, editor, reviewer):
    page = TopicPage.objects.get(slug="screening")
    old_last_reviewed = page.last_reviewed
    page.summary = "A clearer summary, written by an editor and waiting for review."
    revision = page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    page.refresh_from_db()
    assert page.summary != "A clearer summary, written by an editor and waiting for review."  # not live yet

    client.force_login(reviewer)
    task_state = workflow_state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": "Checked."}
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.summary == "A clearer summary, written by an editor and waiting for review."
    assert page.live_revision.pk == revision.pk
    assert page.last_reviewed == dt.date(2027, 2, 3) != old_last_reviewed
    assert page.next_review_due == dt.date(2028, 2, 3)
    assert page.reviewer_role == "Medical oncologist"
    # The revision in history agrees with the live page.
    assert page.live_revision.as_object().last_reviewed == dt.date(2027, 2, 3)


def test_review_due_lists_nothing_when_all_pages_are_current():
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0), tick=False):
        call_command("review_due", stdout=out)
    assert "No library pages are due for review." in out.getvalue()


def test_review_due_lists_overdue_and_due_soon_pages():
    ConditionPage.objects.filter(slug="bone-cancer").update(next_review_due=dt.date(2026, 10, 1))
    TopicPage.objects.filter(slug="screening").update(next_review_due=dt.date(2026, 12, 5))
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0), tick=False):
        call_command("review_due", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("OVERDUE") and "Bone cancer" in lines[0] and "2026-10-01" in lines[0]
    assert lines[1].startswith("due") and "Cancer screening" in lines[1] and " /about-cancer/screening/ " in lines[1]
    assert lines[-1] == "2 page(s) need review."


def test_a_year_later_every_page_is_overdue():
    out = StringIO()
    with time_machine.travel(dt.datetime(2028, 1, 1, 9, 0), tick=False):
        call_command("review_due", stdout=out)
    assert out.getvalue().splitlines()[-1] == f"{LibraryPage.objects.live().count()} page(s) need review."


def test_admin_report_shows_due_pages_to_editors(client, editor):
    ConditionPage.objects.filter(slug="bone-cancer").update(next_review_due=dt.date(2000, 1, 1))
    client.force_login(editor)
    html = client.get(f"{reverse('clinical_review_report')}?due=1").content.decode()
    assert "Bone cancer" in html and "Overdue" in html
    assert "Cancer screening" not in html


@pytest.mark.parametrize("username", ["editor", "reviewer"])
def test_report_is_in_the_reports_menu(client, username, person):
    client.force_login(person(username))
    assert client.get(reverse("clinical_review_report")).status_code == 200


def test_anonymous_users_cannot_see_the_report(client):
    response = client.get(reverse("clinical_review_report"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
