"""Publishing slots from clinic sessions, the demo clinic, and the order slots are offered in."""

import datetime as dt

import pytest
import time_machine
from booking_support import LOCAL, MONDAY_8AM, local, session, staff
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from careguide.referrals import booking
from careguide.referrals.models import ClinicSession, Slot
from careguide.referrals.slots import DayGroup, SessionPattern, group_for_offer, session_starts

# --- pure logic ----------------------------------------------------------------------------------

def test_a_morning_session_gives_whole_slots_in_utc_and_none_in_the_past():
    pattern = SessionPattern(weekday=0, start_time=dt.time(9), end_time=dt.time(11, 45), slot_minutes=30)
    now = local(0, 9, 10).astimezone(dt.UTC)  # Monday, 9:10: the 9:00 slot has started
    starts = list(session_starts(pattern, MONDAY_8AM.date(), 7, LOCAL, now))
    assert [s.astimezone(LOCAL).strftime("%a %H:%M") for s, _ in starts] == [
        "Mon 09:30", "Mon 10:00", "Mon 10:30", "Mon 11:00"]  # 11:30-12:00 would overrun 11:45
    assert all(s.tzinfo == dt.UTC and e - s == dt.timedelta(minutes=30) for s, e in starts)


def test_clinic_hours_stay_on_the_wall_clock_across_daylight_saving():
    # 2027-03-14 is the spring change in California: 9:00 local is 17:00 UTC before it, 16:00 after.
    pattern = SessionPattern(weekday=0, start_time=dt.time(9), end_time=dt.time(9, 30), slot_minutes=30)
    starts = list(session_starts(pattern, dt.date(2027, 3, 8), 8, LOCAL, dt.datetime(2027, 3, 1, tzinfo=dt.UTC)))
    assert [s.astimezone(dt.UTC).hour for s, _ in starts] == [17, 16]
    assert {s.astimezone(LOCAL).hour for s, _ in starts} == {9}


def test_urgent_offers_today_first_under_today_routine_in_date_order():
    class S:
        def __init__(self, start):
            self.start = start

    later, today_pm, today_am = S(local(2, 9)), S(local(0, 15)), S(local(0, 9))
    today = MONDAY_8AM.date()
    urgent = group_for_offer([later, today_pm, today_am], urgent=True, today=today, zone=LOCAL)
    assert [g.heading for g in urgent][0] == "Today"
    assert urgent[0].slots == [today_am, today_pm]
    assert urgent[1].slots == [later] and urgent[1].heading == "Wednesday November 25"
    routine = group_for_offer([later, today_pm, today_am], urgent=False, today=today, zone=LOCAL)
    assert [s for g in routine for s in g.slots] == [today_am, today_pm, later]


def test_urgent_with_no_slot_left_today_still_says_so_first():
    class S:
        start = local(1, 9)

    groups = group_for_offer([S()], urgent=True, today=MONDAY_8AM.date(), zone=LOCAL)
    assert groups[0] == DayGroup(MONDAY_8AM.date(), "Today", [])
    assert groups[1].heading.startswith("Tomorrow")


# --- publishing ----------------------------------------------------------------------------------



@pytest.mark.django_db
@time_machine.travel(MONDAY_8AM, tick=False)
def test_publish_creates_the_next_days_slots_once(capsys):
    doctor = staff("dr.ames")
    session(doctor, weekday=0, start=(9, 0), end=(12, 0))
    session(doctor, weekday=2, start=(13, 0), end=(14, 0), location="san-leandro")
    call_command("publish_slots", "--days", "14")
    out = capsys.readouterr().out
    # Two Mondays x 6 slots + two Wednesdays x 2 slots.
    assert out.startswith("16 new slots published for the next 14 days")
    assert Slot.objects.filter(clinician=doctor).count() == 16
    assert set(Slot.objects.values_list("location", flat=True)) == {"fremont", "san-leandro"}
    call_command("publish_slots", "--days", "14")
    assert capsys.readouterr().out.startswith("0 new slots")
    assert Slot.objects.filter(clinician=doctor).count() == 16
    assert not Slot.objects.values("clinician", "start").annotate(n=Count("pk")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_publish_keeps_existing_slots_and_never_makes_past_ones():
    doctor = staff("dr.ames")
    session(doctor, weekday=0, start=(9, 0), end=(12, 0))
    with time_machine.travel(local(0, 10, 15), tick=False):  # Monday mid-morning
        assert booking.publish_slots(1) == 3  # 10:30, 11:00, 11:30
        kept = Slot.objects.get(start=local(0, 11))
    with time_machine.travel(local(0, 10, 15), tick=False):
        assert booking.publish_slots(8) == 6  # next Monday's six; today's three are kept
    assert Slot.objects.get(start=local(0, 11)).pk == kept.pk
    assert not Slot.objects.filter(start__lte=local(0, 10, 15)).exists()


@pytest.mark.django_db
@time_machine.travel(MONDAY_8AM, tick=False)
def test_an_unknown_location_is_refused_naming_the_session_and_nothing_is_written():
    doctor = staff("dr.ames", first_name="Ana", last_name="Ames")
    session(doctor, weekday=0)
    bad = session(doctor, weekday=1, location="oakland")
    with pytest.raises(CommandError) as error:
        call_command("publish_slots")
    message = str(error.value)
    assert f"Clinic session {bad.pk}" in message and "Ana Ames" in message and "Tuesday" in message
    assert "location 'oakland'" in message and "fremont, san-leandro" in message
    assert Slot.objects.count() == 0


@pytest.mark.django_db
@time_machine.travel(MONDAY_8AM, tick=False)
def test_inactive_sessions_publish_nothing_and_days_must_be_positive():
    doctor = staff("dr.ames")
    ClinicSession.objects.filter(pk=session(doctor).pk).update(active=False)
    assert booking.publish_slots() == 0
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("publish_slots", "--days", "0")


@pytest.mark.django_db
@time_machine.travel(MONDAY_8AM, tick=False)
def test_the_demo_clinic_is_idempotent(capsys):
    call_command("setup_demo_clinic")
    out = capsys.readouterr().out
    assert "10 new sessions" in out
    sessions = ClinicSession.objects.filter(clinician__username="oncologist")
    assert sessions.count() == 10
    monday = Slot.objects.filter(clinician__username="oncologist", start__date=MONDAY_8AM.date())
    assert [timezone_hhmm(s.start) for s in monday.filter(location="fremont")][:2] == ["09:00", "09:30"]
    assert monday.filter(location="fremont").count() == 6 and monday.filter(location="san-leandro").count() == 6
    total = Slot.objects.count()
    assert total == 20 * 12  # four weeks of weekdays, 12 slots a day
    call_command("setup_demo_clinic")
    out = capsys.readouterr().out
    assert "0 new sessions" in out and "0 new slots" in out
    assert Slot.objects.count() == total


def timezone_hhmm(value):
    return value.astimezone(LOCAL).strftime("%H:%M")


# --- the admin screen ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_admin_form_offers_configured_locations_and_care_team_clinicians(admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("clinic_sessions:add"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="fremont"' in html and 'value="san-leandro"' in html
    from careguide.referrals.admin_forms import ClinicSessionForm

    oncologist = booking.care_team_clinicians().get(username="oncologist")
    form = ClinicSessionForm(data={"clinician": oncologist.pk, "location": "oakland", "weekday": 0,
                                   "start_time": "09:00", "end_time": "08:00", "slot_minutes": 30, "active": "on"})
    assert not form.is_valid()
    assert "location" in form.errors and form.errors["end_time"] == ["The session must end after it starts."]
    editor_form = ClinicSessionForm()
    assert not editor_form.fields["clinician"].queryset.filter(username="editor").exists()


@pytest.mark.django_db
def test_only_administrators_open_the_clinic_sessions_screen(editor, client):
    client.force_login(editor)
    assert client.get(reverse("clinic_sessions:index")).status_code in (302, 403)
