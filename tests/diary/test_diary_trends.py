"""Diary trends, CSV export and the one-page PDF summary; who may see them (the patient and
their care team, audited), and that anyone else gets 404."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from factories import CareTeamFactory, NurseFactory, PatientFactory, TeamPatientFactory

from careguide.audit.models import AuditEvent
from careguide.diary import services, wording
from careguide.diary.services import EntryInput, SymptomInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(db):
    user = PatientFactory(email="zoe@example.org", first_name="Zoë", last_name="Ñúñez")
    services.set_tracked(user, ["Nausea", "Pain", "Rash"])
    return user


@pytest.fixture
def other(db):
    return PatientFactory(email="olive@example.org", first_name="")


@pytest.fixture
def nurse(patient):
    team = CareTeamFactory(name="Oncology A")
    TeamPatientFactory(team=team, patient=patient)
    return NurseFactory(username="nina", first_name="", last_name="", team=team)


@pytest.fixture
def outsider_nurse(db):
    return NurseFactory(username="norm", first_name="", last_name="", team=CareTeamFactory(name="Oncology B"))


def entry(patient, days_ago, nausea=(0, None), pain=(0, None, None), rash=False, chest_pain=False):
    data = EntryInput(
        symptoms={
            "Nausea": SymptomInput(frequency=nausea[0], severity=nausea[1]),
            "Pain": SymptomInput(frequency=pain[0], severity=pain[1], interference=pain[2]),
            "Rash": SymptomInput(present=rash),
        },
        temperature_unit="C", temperature_entered=Decimal("36.9"), generally_unwell=False, chest_pain=chest_pain,
        bleeding=0, saddle_numbness=False, bladder_bowel_loss=False,
        asked={"rash_extent": "small", "skin_limits_activity": False, "skin_severe": False} if rash else {},
    )
    return services.save_entry(patient, data, day=timezone.localdate() - timedelta(days=days_ago))


@pytest.fixture
def diary(patient):
    """Five days: nausea rising then easing, pain once, a rash once, one emergency, one old day."""
    return [
        entry(patient, 100, nausea=(2, 2)),  # outside 30 and 90 days
        entry(patient, 20, nausea=(1, 1)),
        entry(patient, 10, nausea=(3, 3), pain=(2, 2, 1)),
        entry(patient, 5, nausea=(2, 1), rash=True),
        entry(patient, 1, chest_pain=True),
    ]


def table_rows(page, caption_start):
    for table in page.select("table"):
        if table.caption.get_text(strip=True).startswith(caption_start):
            return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    raise AssertionError(f"no table {caption_start!r}")


# --- trends ---------------------------------------------------------------------------------

def test_trends_show_one_accessible_chart_and_table_per_symptom(client, patient, diary):
    client.force_login(patient)
    response = client.get(reverse("diary:trends"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = BeautifulSoup(response.content, "html.parser")
    charts = page.select("svg[role=img]")
    assert len(charts) == 3
    for svg in charts:
        ids = svg["aria-labelledby"].split()
        assert svg.find("title")["id"] == ids[0] and svg.find("desc")["id"] == ids[1]
        assert svg.find("title").get_text(strip=True)
    nausea_desc = charts[0].find("desc").get_text()
    assert "4 diary entries" in nausea_desc and "Worst: severe" in nausea_desc
    for table in page.select("table"):
        assert table.caption and all(th.get("scope") for th in table.select("th"))


def test_the_numbers_in_the_tables_match_the_entries(client, patient, diary):
    client.force_login(patient)
    page = BeautifulSoup(client.get(reverse("diary:trends")).content, "html.parser")
    def day(n):
        d = timezone.localdate() - timedelta(days=n)
        return f"{d:%b} {d.day}, {d.year}"

    rows = table_rows(page, "Feeling sick to your stomach (nausea)")
    assert [r[0] for r in rows] == [day(20), day(10), day(5), day(1)]
    assert [r[1:] for r in rows] == [["1", "1", "1 (mild)"], ["3", "3", "3 (severe)"], ["2", "1", "1 (mild)"],
                                     ["0", "-", "0 (none)"]]
    pain = table_rows(page, "Pain")
    assert pain[1][1:] == ["2", "2", "1", "2 (moderate)"]
    rash = table_rows(page, "Rash")
    assert [r[1] for r in rash] == ["No", "No", "Yes", "No"]


def test_the_date_range_filter(client, patient, diary):
    client.force_login(patient)
    last_30 = BeautifulSoup(client.get(reverse("diary:trends")).content, "html.parser")
    assert len(table_rows(last_30, "Feeling sick")) == 4
    assert last_30.select_one(".diary-ranges a[aria-current]").get_text(strip=True) == "Last 30 days"
    everything = BeautifulSoup(client.get(f"{reverse('diary:trends')}?range=all").content, "html.parser")
    assert len(table_rows(everything, "Feeling sick")) == 5
    nonsense = BeautifulSoup(client.get(f"{reverse('diary:trends')}?range=7000").content, "html.parser")
    assert len(table_rows(nonsense, "Feeling sick")) == 4  # unknown range: the default


def test_only_the_current_version_of_a_day_is_shown(client, patient):
    entry(patient, 0, nausea=(1, 1))
    entry(patient, 0, nausea=(3, 3))
    client.force_login(patient)
    page = BeautifulSoup(client.get(reverse("diary:trends")).content, "html.parser")
    assert [r[-1] for r in table_rows(page, "Feeling sick")] == ["3 (severe)"]


# --- CSV ------------------------------------------------------------------------------------

def test_csv_export_has_every_answer_of_the_range(client, patient, diary):
    client.force_login(patient)
    response = client.get(reverse("diary:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "symptom", "frequency", "severity", "interference", "present", "composite_grade",
                       "disposition"]
    ten_days_ago = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert [ten_days_ago, "Nausea", "3", "3", "", "", "3", "red"] in rows
    assert [ten_days_ago, "Pain", "2", "2", "1", "", "2", "red"] in rows
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert [yesterday, "Rash", "", "", "", "no", "", "emergency"] in rows
    assert len(rows) == 1 + 4 * 3
    assert len(list(csv.reader(io.StringIO(client.get("/diary/export.csv?range=all").content.decode())))) == 1 + 5 * 3


# --- PDF ------------------------------------------------------------------------------------

def page_count(content: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        counts = re.findall(rb"/Type\s*/Page(?![a-z])", content)
        return len(counts)
    return len(PdfReader(io.BytesIO(content)).pages)


def test_the_summary_is_a_one_page_pdf_with_a_unicode_name(client, patient, diary):
    client.force_login(patient)
    response = client.get(reverse("diary:summary"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert page_count(response.content) == 1
    assert b"/Count 1" in response.content


def test_the_summary_stays_on_one_page_with_every_symptom_and_many_red_days(client, patient):
    services.set_tracked(patient, list(wording.TRACKABLE))
    for days_ago in range(40):
        entry(patient, days_ago, nausea=(3, 3), pain=(4, 4, 4), rash=days_ago % 2 == 0, chest_pain=days_ago % 3 == 0)
    client.force_login(patient)
    content = client.get(f"{reverse('diary:summary')}?range=90").content
    assert page_count(content) == 1


def test_the_summary_without_the_unicode_font_uses_safe_text(patient, diary, monkeypatch):
    from careguide.diary import pdf, trends

    monkeypatch.setattr(pdf, "_dejavu", lambda: None)
    today = timezone.localdate()
    content = pdf.build(name="Zoë Ñúñez 李小龍", start=today - timedelta(days=29), end=today,
                        series=trends.build_series(["Nausea"], []), call_days=[(today, "red")], entry_days=0)
    assert page_count(content) == 1


# --- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "export.csv", "summary.pdf"])
def test_another_patients_id_gives_404(client, patient, other, diary, suffix):
    client.force_login(other)
    assert client.get(f"/diary/patients/{patient.pk}/{suffix}").status_code == 404


def test_another_patients_entry_gives_404(client, patient, other, diary):
    client.force_login(other)
    assert client.get(reverse("diary:entry", kwargs={"pk": diary[2].pk})).status_code == 404


@pytest.mark.parametrize("suffix", ["", "export.csv", "summary.pdf"])
def test_a_nurse_outside_the_team_gets_404(client, patient, outsider_nurse, diary, suffix):
    client.force_login(outsider_nurse)
    assert client.get(f"/diary/patients/{patient.pk}/{suffix}").status_code == 404
    assert client.get(reverse("diary:entry", kwargs={"pk": diary[2].pk})).status_code == 404


@pytest.mark.parametrize("suffix, detail", [
    ("", "diary trends viewed"), ("export.csv", "diary exported as CSV"), ("summary.pdf", "diary summary PDF"),
])
def test_the_care_team_reads_a_team_patients_diary_and_it_is_audited(client, patient, nurse, diary, suffix, detail):
    client.force_login(nurse)
    response = client.get(f"/diary/patients/{patient.pk}/{suffix}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(actor=nurse, action="read", patient=patient, detail=detail).count() == 1
    if suffix == "":
        page = BeautifulSoup(response.content, "html.parser")
        assert page.h1.get_text(strip=True) == "Symptom diary of Zoë Ñúñez"
        assert len(table_rows(page, "Feeling sick")) == 4
        assert page.select_one(f"a[href='/diary/patients/{patient.pk}/export.csv?range=30']") is not None


def test_the_care_team_opens_an_entry_from_an_alert_and_it_is_audited(client, patient, nurse, diary):
    from careguide.alerts.models import TriageEvent

    url = TriageEvent.objects.get(patient=patient, disposition="red").source_url
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    assert "Diary of Zoë Ñúñez" in response.content.decode()
    assert AuditEvent.objects.filter(actor=nurse, action="read", patient=patient,
                                     object_type="diary.diaryentry", object_id=str(diary[2].pk)).exists()


def test_the_patient_reading_their_own_diary_is_not_a_staff_read(client, patient, diary):
    client.force_login(patient)
    assert client.get(reverse("diary:patient_trends", kwargs={"patient_id": patient.pk})).status_code == 200
    assert client.get(reverse("diary:export")).status_code == 200
    assert not AuditEvent.objects.filter(action="read", patient=patient).exists()
