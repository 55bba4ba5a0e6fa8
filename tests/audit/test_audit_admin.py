"""The audit log in the admin: administrators read it; nobody else sees it; nobody edits it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from clock import at_every_time_of_day
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from factories import NurseFactory, PatientFactory

from careguide.audit import service as audit
from careguide.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOG = reverse("audit_log:index")


@pytest.fixture
def patient(db):
    return PatientFactory(email="ann@example.org", first_name="Ann")


@pytest.fixture
def nurse_read(patient):
    nurse = NurseFactory()
    return audit.record(nurse, audit.READ, patient, patient=patient, detail="read by care team")


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [tr.get_text(" ", strip=True) for tr in soup.select("main table tbody tr")]


def test_an_admin_lists_and_filters_the_log(client, admin_user, nurse_read, patient):
    client.force_login(admin_user)
    response = client.get(LOG)
    assert response.status_code == 200
    assert any("nurse" in row and "read" in row and "read by care team" in row for row in rows(response))
    only_reads = rows(client.get(LOG, {"action": "read"}))
    assert only_reads and all(" read " in f" {row} " for row in only_reads)
    by_nurse = rows(client.get(LOG, {"actor": nurse_read.actor_id}))
    assert len(by_nurse) == AuditEvent.objects.filter(actor=nurse_read.actor).count()
    about_ann = rows(client.get(LOG, {"patient": patient.pk}))
    assert len(about_ann) == AuditEvent.objects.filter(patient=patient).count() >= 3  # registered, consent, read
    today = timezone.localdate(nurse_read.at).isoformat()
    assert len(rows(client.get(LOG, {"at_from": today, "at_to": today}))) >= 1
    assert rows(client.get(LOG, {"at_from": "2001-01-01", "at_to": "2001-01-02"})) == []


@at_every_time_of_day
def test_the_date_filter_uses_the_sites_local_date_at_any_hour(frozen_at, client, admin_user, patient):
    """An administrator filters by the date the site shows (Pacific), not the server's UTC date."""
    site_date = frozen_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    nurse = NurseFactory()
    with time_machine.travel(frozen_at, tick=False):
        audit.record(nurse, audit.READ, patient, patient=patient, detail="read at a frozen hour")
    client.force_login(admin_user)
    on_the_day = rows(client.get(LOG, {"at_from": site_date.isoformat(), "at_to": site_date.isoformat()}))
    assert any("read at a frozen hour" in row for row in on_the_day)
    for other in (site_date - dt.timedelta(days=1), site_date + dt.timedelta(days=1)):
        assert not any("read at a frozen hour" in row
                       for row in rows(client.get(LOG, {"at_from": other.isoformat(), "at_to": other.isoformat()})))


def test_an_admin_sees_one_entry_but_cannot_change_it(client, admin_user, nurse_read):
    client.force_login(admin_user)
    detail = client.get(f"{LOG}inspect/{nurse_read.pk}/")
    assert detail.status_code == 200 and "read by care team" in detail.content.decode()
    for url in (f"{LOG}new/", f"{LOG}edit/{nurse_read.pk}/", f"{LOG}delete/{nurse_read.pk}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"detail": "changed"}).status_code == 404
    assert AuditEvent.objects.get(pk=nurse_read.pk).detail == "read by care team"
    html = client.get(LOG).content.decode()
    assert f"{LOG}new/" not in html and "/edit/" not in html


@pytest.mark.parametrize("username", ["editor", "reviewer"])
def test_editors_and_reviewers_are_refused_and_see_no_menu_item(client, username, nurse_read, person):
    client.force_login(person(username))
    for url in (LOG, f"{LOG}inspect/{nurse_read.pk}/"):
        response = client.get(url)
        # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
        assert response.status_code in (302, 403)
        assert not response.get("Location", "").startswith(LOG)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert LOG not in dashboard and "Audit log" not in dashboard


@pytest.mark.parametrize("username", ["nurse", "patient@example.org"])
def test_care_team_staff_and_patients_never_reach_it(client, username, nurse_read):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(LOG)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(LOG)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_admin_dashboard_offers_the_log_to_admins(client, admin_user):
    client.force_login(admin_user)
    assert LOG in client.get(reverse("wagtailadmin_home")).content.decode()
