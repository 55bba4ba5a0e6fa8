"""The six-week back-pain program: content, starting, weeks, check-ins, progress, pause/resume,
privacy between people, and the audit trail behind every write."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from factories import PatientFactory

from careguide.audit.models import AuditEvent
from careguide.backpain import services
from careguide.backpain.content import program, read_program
from careguide.backpain.gate import CHECK_IN_SESSION_KEY, GATE_URL
from careguide.backpain.models import CheckIn, Enrollment, EnrollmentEvent
from careguide.core.contentfiles import ContentError
from careguide.library.content.markdown import to_html
from careguide.library.readability import MAX_GRADE, grade, html_segments
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse

pytestmark = pytest.mark.django_db

PAIN_MISSING = "Choose how bad your back pain has been this week, from 0 to 10"
LIMITS_MISSING = "Choose how much your back pain has limited your daily activities this week, from 0 to 10"
ENTRY = reverse("backpain:entry")
CHECK_IN = reverse("backpain:check_in")
PROGRESS = reverse("backpain:progress")


# --- helpers ----------------------------------------------------------------------------------

START = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday, 9:00 in California


@pytest.fixture(autouse=True)
def clock():
    """Frozen time: a week's check-in opens 7 days after the week opened (schedule.py)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def a_week_passes(clock, client=None, user=None):
    clock.shift(timedelta(days=7))
    if client is not None:
        client.force_login(user)  # a session ends after 8 hours

@pytest.fixture
def gate_questionnaire(db):
    return Questionnaire.objects.create(
        fhir_id="back-pain-gate-test", url=GATE_URL, version="test", title="Back pain gate",
        resource={"resourceType": "Questionnaire", "status": "active", "item": []},
    )


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org", first_name="")


@pytest.fixture
def other(db):
    return PatientFactory(email="olive@example.org", first_name="")


@pytest.fixture
def gate(gate_questionnaire):
    """A gate response for `user` as the lead's gate view stores it."""
    def answer(user, outcome="proceed", age=timedelta(0)):
        return QuestionnaireResponse.objects.create(
            questionnaire=gate_questionnaire, questionnaire_url=GATE_URL, questionnaire_version="test",
            subject=user, outcome=outcome, authored=timezone.now() - age,
            resource={"resourceType": "QuestionnaireResponse", "status": "completed", "item": []},
        )
    return answer


def enroll(user, gate):
    return services.start_enrollment(user, gate(user))


def pass_check_in_gate(client, user, gate, age=timedelta(0)):
    response = gate(user, age=age)
    session = client.session
    session[CHECK_IN_SESSION_KEY] = str(response.fhir_id)
    session.save()
    return response


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return re.sub(r"\s+", " ", soup(response).get_text(" "))


def check_in_via_web(client, user, gate, enrollment, pain, limits, clock):
    """A week passes, then the person answers the gate and checks in."""
    a_week_passes(clock, client, user)
    pass_check_in_gate(client, user, gate)
    return client.post(CHECK_IN, {"enrollment": enrollment.pk, "pain": pain, "limits": limits})


# --- content ----------------------------------------------------------------------------------

def test_the_program_has_six_weeks_on_the_promised_topics():
    content = program()
    assert [w.number for w in content.weeks] == [1, 2, 3, 4, 5, 6]
    assert [w.topic for w in content.weeks] == [
        "what-helps", "staying-active", "sleep", "pacing", "when-to-get-help", "keeping-it-going",
    ]
    for week in content.weeks:
        for exercise in week.exercises:
            assert len(exercise.steps) >= 2 and exercise.easier and exercise.amount and exercise.helps
            assert exercise.stop_if.startswith("Stop")


def _lesson_segments(week):
    segments = [week.title, week.summary]
    for section in week.lesson:
        segments += [section.heading, *html_segments(to_html(section.body))]
    return segments


def _exercise_segments(week):
    return [s for e in week.exercises for s in (e.name, e.helps, *e.steps, e.amount, e.stop_if, e.easier)]


def test_every_week_reads_at_grade_8_or_below():
    content = program()
    grades = {}
    for week in content.weeks:
        grades[f"week {week.number} lesson"] = grade(_lesson_segments(week))
        grades[f"week {week.number} exercises"] = grade(_exercise_segments(week))
    help_ = content.when_to_get_help
    grades["when to get help"] = grade([*help_.emergency, *help_.urgent, *help_.see_doctor])
    grades["introduction"] = grade([content.summary, *content.who_for, *content.not_for, content.safety])
    too_hard = {name: g for name, g in grades.items() if g > MAX_GRADE}
    assert not too_hard, too_hard


def test_no_words_that_encourage_pushing_through_pain():
    raw = (Path(settings.CONTENT_DIR) / "back-pain-program.yaml").read_text().lower()
    for phrase in ("push through", "no pain, no gain", "work through the pain", "ignore the pain"):
        assert phrase not in raw


def test_a_broken_file_is_reported_with_its_name_and_field(tmp_path):
    source = (Path(settings.CONTENT_DIR) / "back-pain-program.yaml").read_text()
    broken = tmp_path / "back-pain-program.yaml"
    broken.write_text(source.replace(
        "stop_if: Stop if you feel sharp pain, or pain, numbness or tingling that spreads down your leg.\n"
        "        easier: Make the rolls very small.",
        "stop_if: Keep going even if it hurts.\n        easier: Make the rolls very small.",
        1,
    ))
    with pytest.raises(ContentError) as err:
        read_program(broken)
    assert err.value.path == "back-pain-program.yaml"
    assert err.value.field == "weeks[0].exercises[0].stop_if"

    broken.write_text(source.replace("number: 6", "number: 7"))
    with pytest.raises(ContentError) as err:
        read_program(broken)
    assert err.value.field == "weeks[5].number"


# --- the entry page ---------------------------------------------------------------------------

def test_anyone_can_read_the_entry_page_and_open_the_gate(client):
    response = client.get(ENTRY)
    assert response.status_code == 200
    page = soup(response)
    for week in program().weeks:
        assert f"Week {week.number}: {week.title}" in text(response)
    button = page.select_one("#start-gate")
    assert button["href"] == reverse("backpain:gate") + "?restart=1"
    assert "js-gate-open" in button["class"]
    assert button.get_text(strip=True) == "Check if this program is right for you"
    assert "Your program" not in text(response)
    assert "Call 911 now if:" in text(response)


@pytest.mark.parametrize("url", [
    reverse("backpain:week", kwargs={"week": "1"}), CHECK_IN, PROGRESS, reverse("backpain:pause"),
])
def test_the_program_itself_needs_a_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?next=")
    assert url in response["Location"].replace("%2F", "/")


def test_anonymous_start_goes_to_sign_in_and_back_to_the_result(client, patient, gate):
    answer = gate(None)
    response = client.post(reverse("backpain:start"), {"response": str(answer.fhir_id)})
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert str(answer.fhir_id) in response["Location"]
    assert not Enrollment.objects.exists()


# --- starting ---------------------------------------------------------------------------------

def test_start_needs_a_passing_gate_response_of_ones_own(client, patient, other, gate):
    client.force_login(patient)
    refused = [
        gate(other),  # someone else's answers
        gate(patient, outcome="emergency"),
        gate(patient, outcome="urgent"),
        gate(patient, age=timedelta(days=2)),  # from long ago
    ]
    for answer in refused:
        response = client.post(reverse("backpain:start"), {"response": str(answer.fhir_id)})
        assert response.status_code == 403
        assert "We could not start the program" in text(response)
    for junk in ("", "not-a-uuid", "12"):
        assert client.post(reverse("backpain:start"), {"response": junk}).status_code == 403
    assert not Enrollment.objects.exists()

    response = client.post(reverse("backpain:start"), {"response": str(gate(patient).fhir_id)})
    assert response["Location"] == "/back-pain-program/week/1/"
    enrollment = Enrollment.objects.get()
    assert (enrollment.user, enrollment.status, enrollment.current_week) == (patient, "active", 1)


def test_starting_twice_keeps_one_open_program_and_a_new_one_follows_an_ended_one(patient, gate):
    first = enroll(patient, gate)
    assert enroll(patient, gate) == first
    assert Enrollment.objects.count() == 1
    services.stop_for_red_flag(first, gate(patient, outcome="urgent"), "urgent", by=patient)
    second = enroll(patient, gate)
    assert second != first and second.status == "active" and second.current_week == 1


def test_the_entry_page_shows_where_you_are(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    response = client.get(ENTRY)
    assert "You are on week 1 of 6" in text(response)
    assert "Your week 1 check-in opens on Monday, November 30" in text(response)
    assert soup(response).select_one("#start-gate") is None  # already started
    links = {a["href"] for a in soup(response).select("main a")}
    assert {"/back-pain-program/week/1/", PROGRESS, "/back-pain-program/pause/"} <= links
    assert CHECK_IN not in links
    a_week_passes(clock, client, patient)
    assert CHECK_IN in {a["href"] for a in soup(client.get(ENTRY)).select("main a")}
    services.pause(enrollment, by=patient)
    assert "Your program is paused" in text(client.get(ENTRY))


# --- weeks ------------------------------------------------------------------------------------

def test_weeks_open_one_by_one(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    week1 = client.get(reverse("backpain:week", kwargs={"week": "1"}))
    assert week1.status_code == 200
    page = text(week1)
    assert "What helps back pain" in page and "Knee rolls" in page and "Easier version:" in page
    assert "Your week 1 check-in opens on Monday, November 30" in page
    # Ends with "When to get help".
    assert soup(week1).select("main section")[-1].h2.get_text() == "When to get help"
    for locked in (2, 6, 7, 0):
        assert client.get(reverse("backpain:week", kwargs={"week": locked})).status_code == 404
    check_in_via_web(client, patient, gate, enrollment, 3, 3, clock)
    assert client.get(reverse("backpain:week", kwargs={"week": "2"})).status_code == 200
    week1_again = text(client.get(reverse("backpain:week", kwargs={"week": "1"})))
    assert "You have done your check-in for this week" in week1_again


def test_no_program_means_no_weeks(client, patient):
    client.force_login(patient)
    assert client.get(reverse("backpain:week", kwargs={"week": "1"}))["Location"] == ENTRY


# --- check-ins --------------------------------------------------------------------------------

def test_the_gate_is_asked_again_before_every_check_in(client, patient, other, gate, clock):
    enrollment = enroll(patient, gate)
    a_week_passes(clock, client, patient)
    to_gate = reverse("backpain:gate") + "?for=check-in"
    assert client.get(CHECK_IN)["Location"] == to_gate
    pass_check_in_gate(client, patient, gate, age=timedelta(hours=2))  # too old
    assert client.get(CHECK_IN)["Location"] == to_gate
    pass_check_in_gate(client, other, gate)  # not theirs
    assert client.get(CHECK_IN)["Location"] == to_gate
    answer = pass_check_in_gate(client, patient, gate)
    form = client.get(CHECK_IN)
    assert form.status_code == 200 and "Week 1 check-in" in text(form)

    response = client.post(CHECK_IN, {"enrollment": enrollment.pk, "pain": 5, "limits": 7})
    assert response["Location"] == "/back-pain-program/week/2/"
    check = CheckIn.objects.get()
    assert (check.week, check.pain, check.limits, check.gate_response) == (1, 5, 7, answer)
    # Sent again (back and resend), the form lands on the same page and checks in once.
    assert client.post(CHECK_IN, {"enrollment": enrollment.pk, "pain": 5, "limits": 7})["Location"] == \
        reverse("backpain:week", kwargs={"week": "2"})
    assert CheckIn.objects.count() == 1
    # The next check-in asks the gate again, a week later.
    a_week_passes(clock, client, patient)
    assert client.get(CHECK_IN)["Location"] == to_gate


def test_check_in_form_has_labelled_scales(client, patient, gate, clock):
    enroll(patient, gate)
    a_week_passes(clock, client, patient)
    pass_check_in_gate(client, patient, gate)
    page = soup(client.get(CHECK_IN))
    fieldsets = page.select("main form fieldset")
    assert [f.legend.get_text(strip=True) for f in fieldsets] == [
        "How bad has your back pain been this week?",
        "How much has your back pain limited your daily activities this week?",
    ]
    for fieldset, name in zip(fieldsets, ("pain", "limits"), strict=True):
        values = [i["value"] for i in fieldset.select(f"input[type=radio][name={name}]")]
        assert values == [str(n) for n in range(11)]
        assert all(page.select_one(f"label[for={name}-{n}]") for n in range(11))
    ends = page.select_one("#limits-ends").get_text(" ", strip=True)
    assert "0 = Not at all" in ends and "10 = I can't do my usual activities" in ends


@pytest.mark.parametrize(("data", "errors"), [
    ({}, [PAIN_MISSING, LIMITS_MISSING]),
    ({"pain": "4"}, [LIMITS_MISSING]),
    ({"limits": "4"}, [PAIN_MISSING]),
    ({"pain": "11", "limits": "-1"}, [PAIN_MISSING, LIMITS_MISSING]),
])
def test_missing_answers_get_exact_messages(client, patient, gate, data, errors, clock):
    enrollment = enroll(patient, gate)
    a_week_passes(clock, client, patient)
    pass_check_in_gate(client, patient, gate)
    response = client.post(CHECK_IN, {"enrollment": enrollment.pk, **data})
    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".error-summary")
    assert summary.h2.get_text() == "There is a problem"
    assert [a.get_text() for a in summary.select("a")] == errors
    assert [e.get_text(" ", strip=True) for e in page.select(".field__error")] == [f"Error: {e}" for e in errors]
    if "pain" in data and data["pain"] == "4":
        assert page.select_one("#pain-4").has_attr("checked")  # the answer given is kept
    assert not CheckIn.objects.exists()


def test_six_check_ins_complete_the_program(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    for week in range(1, 7):
        response = check_in_via_web(client, patient, gate, enrollment, pain=8 - week, limits=7 - week, clock=clock)
        expected = PROGRESS if week == 6 else f"/back-pain-program/week/{week + 1}/"
        assert response["Location"] == expected
    enrollment.refresh_from_db()
    assert enrollment.status == "completed" and enrollment.ended_at is not None
    assert list(CheckIn.objects.values_list("week", flat=True)) == [1, 2, 3, 4, 5, 6]
    kinds = list(enrollment.events.values_list("kind", flat=True))
    assert kinds == ["started"] + ["week_completed"] * 6 + ["completed"]
    assert "you have finished the program" in text(client.get(PROGRESS))
    # Every week stays readable; there is no seventh check-in.
    assert all(client.get(reverse("backpain:week", kwargs={"week": n})).status_code == 200 for n in range(1, 7))
    pass_check_in_gate(client, patient, gate)
    assert client.get(CHECK_IN)["Location"] == ENTRY
    assert "You finished the program" in text(client.get(ENTRY))


def test_worse_pain_gets_a_prompt_to_see_a_doctor(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    check_in_via_web(client, patient, gate, enrollment, pain=3, limits=3, clock=clock)
    response = check_in_via_web(client, patient, gate, enrollment, pain=5, limits=3, clock=clock)
    assert "Your back pain is worse than before" in text(client.get(response["Location"]))


# --- pause and resume -------------------------------------------------------------------------

def test_pause_asks_first_blocks_check_ins_and_resume_allows_them(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    confirm = client.get(reverse("backpain:pause"))
    assert "Pause your program?" in text(confirm)
    enrollment.refresh_from_db()
    assert enrollment.status == "active"  # asking is not pausing

    client.post(reverse("backpain:pause"), {"enrollment": enrollment.pk})
    enrollment.refresh_from_db()
    assert enrollment.status == "paused"

    pass_check_in_gate(client, patient, gate)
    paused = client.get(CHECK_IN)
    assert "You cannot do a check-in while your program is paused" in text(paused)
    assert soup(paused).select_one(f"form[action='{reverse('backpain:resume')}'] button")
    client.post(CHECK_IN, {"enrollment": enrollment.pk, "pain": 2, "limits": 2})
    assert not CheckIn.objects.exists()
    assert "Resume it to do your week 1 check-in" in text(client.get(reverse("backpain:week", kwargs={"week": "1"})))

    response = client.post(reverse("backpain:resume"), {"enrollment": enrollment.pk})
    assert response["Location"] == "/back-pain-program/week/1/"
    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    a_week_passes(clock, client, patient)
    pass_check_in_gate(client, patient, gate)
    assert client.get(CHECK_IN).status_code == 200
    assert list(enrollment.events.values_list("kind", flat=True)) == ["started", "paused", "resumed"]


# --- a red flag at a check-in -----------------------------------------------------------------

def test_a_red_flag_stops_the_program(client, patient, gate):
    enrollment = enroll(patient, gate)
    answer = gate(patient, outcome="emergency")
    services.stop_for_red_flag(enrollment, answer, "emergency", by=patient)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.outcome, enrollment.stopped_response) == ("stopped", "emergency", answer)
    event = enrollment.events.last()
    assert (event.kind, event.detail) == ("stopped_red_flag", "emergency")
    client.force_login(patient)
    page = text(client.get(ENTRY))
    assert "We stopped your program" in page and "go to an emergency department now" in page
    assert client.get(reverse("backpain:week", kwargs={"week": "1"}))["Location"] == ENTRY
    pass_check_in_gate(client, patient, gate)
    assert client.get(CHECK_IN)["Location"] == ENTRY
    with pytest.raises(ValueError):
        services.stop_for_red_flag(enrollment, answer, "proceed", by=patient)


# --- progress ---------------------------------------------------------------------------------

def test_progress_with_no_check_ins_is_a_friendly_empty_page(client, patient, gate):
    client.force_login(patient)
    assert "You have not started the back pain program yet" in text(client.get(PROGRESS))
    enroll(patient, gate)
    response = client.get(PROGRESS)
    assert "You have not done a check-in yet" in text(response)
    assert soup(response).select_one("svg") is None


def test_progress_shows_a_chart_and_a_table_with_the_same_numbers(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    check_in_via_web(client, patient, gate, enrollment, pain=7, limits=9, clock=clock)
    one = soup(client.get(PROGRESS)).select_one("main svg[role=img]")
    assert "Week 1: pain 7 out of 10, daily activities limited 9 out of 10" in one.desc.get_text()
    assert len(one.select("circle")) == 1 and len(one.select(".bp-chart__series--limits rect")) == 1
    assert not one.select("polyline")  # one point is not a line

    check_in_via_web(client, patient, gate, enrollment, pain=5, limits=6, clock=clock)
    check_in_via_web(client, patient, gate, enrollment, pain=2, limits=4, clock=clock)
    page = soup(client.get(PROGRESS))
    svg = page.select_one("main svg[role=img]")
    assert svg["aria-labelledby"] == "chart-title chart-desc"
    assert svg.title.get_text() and "Pain went from 7 in week 1 to 2 in week 3" in svg.desc.get_text()
    assert len(svg.select("circle")) == 3 and len(svg.select(".bp-chart__series--limits rect")) == 3
    pain_line = svg.select_one(".bp-chart__series--pain polyline")
    limits_line = svg.select_one(".bp-chart__series--limits polyline")
    assert limits_line.get("stroke-dasharray") and not pain_line.get("stroke-dasharray")
    assert {"Week", "Score, 0 to 10 (lower is better)"} <= {t.get_text() for t in svg.select("text")}

    table = page.select_one("main table")
    assert table.caption.get_text(strip=True)
    assert [th["scope"] for th in table.select("thead th")] == ["col"] * 4
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")][:3] for tr in table.select("tbody tr")]
    assert rows == [["Week 1", "7", "9"], ["Week 2", "5", "6"], ["Week 3", "2", "4"]]
    assert all(tr.th["scope"] == "row" for tr in table.select("tbody tr"))
    # The chart's points sit where the numbers say: lower scores are drawn lower.
    ys = [float(c["cy"]) for c in svg.select("circle")]
    assert ys[0] < ys[1] < ys[2]


# --- privacy ----------------------------------------------------------------------------------

def test_nobody_sees_or_changes_another_persons_program(client, patient, other, gate, clock):
    theirs = enroll(other, gate)
    for _ in (1, 2):
        a_week_passes(clock)
        services.record_check_in(theirs, pain=9, limits=8, gate_response=gate(other), by=other)
    mine = enroll(patient, gate)
    client.force_login(patient)

    assert client.get(reverse("backpain:week", kwargs={"week": "3"})).status_code == 404  # open for them, not for me
    progress = client.get(PROGRESS)
    assert "You have not done a check-in yet" in text(progress)
    assert not soup(progress).select("main table, main svg")

    for url in (reverse("backpain:pause"), reverse("backpain:resume")):
        assert client.post(url, {"enrollment": theirs.pk}).status_code == 404
    pass_check_in_gate(client, patient, gate)
    assert client.post(CHECK_IN, {"enrollment": theirs.pk, "pain": 0, "limits": 0}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.current_week, theirs.check_ins.count()) == ("active", 3, 2)
    assert not mine.check_ins.exists()

    assert Enrollment.objects.for_user(patient).get() == mine
    assert not CheckIn.objects.for_user(patient).exists()
    from django.contrib.auth.models import AnonymousUser
    assert not Enrollment.objects.for_user(AnonymousUser()).exists()


def test_views_reach_program_data_only_through_scoped_querysets():
    source = (Path(settings.BASE_DIR) / "careguide/backpain/views/program.py").read_text()
    calls = re.findall(r"\b(Enrollment|CheckIn)\.objects\.(\w+)", source)
    assert calls, "the views read enrollments somewhere"
    assert {method for _, method in calls} == {"for_user"}


# --- audit and status rows --------------------------------------------------------------------

def test_every_write_is_audited_with_a_status_row(patient, gate, clock):
    set_up = set(AuditEvent.objects.values_list("pk", flat=True))  # registration's rows

    def written():
        return AuditEvent.objects.exclude(pk__in=set_up).order_by("id")

    def audits():
        return list(written().values_list("action", "object_type", "patient"))

    enrollment = enroll(patient, gate)
    assert audits() == [("create", "backpain.enrollment", patient.pk)]
    a_week_passes(clock)
    services.record_check_in(enrollment, 4, 5, gate(patient), by=patient)
    assert audits()[1:] == [("create", "backpain.checkin", patient.pk), ("update", "backpain.enrollment", patient.pk)]
    services.pause(enrollment, by=patient)
    services.resume(enrollment, by=patient)
    services.stop_for_red_flag(enrollment, gate(patient, outcome="urgent"), "urgent", by=patient)
    assert len(audits()) == 6
    assert [e.detail for e in written()][3:] == ["paused", "resumed", "stopped: urgent"]
    events = list(enrollment.events.values_list("kind", "by", "detail"))
    assert events == [
        ("started", patient.pk, ""), ("week_completed", patient.pk, "week 1"), ("paused", patient.pk, ""),
        ("resumed", patient.pk, ""), ("stopped_red_flag", patient.pk, "urgent"),
    ]
    # No score ever reaches the audit log or the status rows.
    assert not any(re.search(r"\b[45]\b", d) for d in AuditEvent.objects.values_list("detail", flat=True))
    row = enrollment.events.first()
    row.detail = "changed"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


def test_status_rules_hold_in_the_services(patient, gate, clock):
    enrollment = enroll(patient, gate)
    with pytest.raises(services.CheckInNotOpen):  # a week has not passed
        services.record_check_in(enrollment, 3, 3, gate(patient), by=patient)
    a_week_passes(clock)
    with pytest.raises(services.ProgramError):
        services.resume(enrollment, by=patient)
    services.pause(enrollment, by=patient)
    with pytest.raises(services.ProgramError):
        services.record_check_in(enrollment, 3, 3, gate(patient), by=patient)
    with pytest.raises(services.ProgramError):
        services.pause(enrollment, by=patient)
    services.resume(enrollment, by=patient)
    with pytest.raises(ValueError):
        services.record_check_in(enrollment, 11, 3, gate(patient), by=patient)
    assert EnrollmentEvent.objects.count() == 3 and not CheckIn.objects.exists()


# --- pages: CSP and query counts --------------------------------------------------------------

def test_program_pages_have_no_inline_style_or_script(client, patient, gate, clock):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    check_in_via_web(client, patient, gate, enrollment, 4, 4, clock)
    a_week_passes(clock, client, patient)
    pass_check_in_gate(client, patient, gate)
    for url in (ENTRY, reverse("backpain:week", args=["1"]), reverse("backpain:week", args=["2"]), CHECK_IN, PROGRESS,
                reverse("backpain:pause")):
        page = soup(client.get(url))
        assert not page.select("[style]"), url
        assert not page.select("style"), url
        assert all(s.get("src") for s in page.select("script")), url


def test_week_and_progress_pages_use_few_queries(client, patient, gate, clock, django_assert_max_num_queries):
    enrollment = enroll(patient, gate)
    client.force_login(patient)
    for _ in range(3):
        check_in_via_web(client, patient, gate, enrollment, 4, 4, clock)
    client.get(ENTRY)  # warm the site cache
    with django_assert_max_num_queries(6):
        assert client.get(reverse("backpain:week", kwargs={"week": "2"})).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(PROGRESS).status_code == 200
