"""The red-flag gate and the program in Chromium: with JavaScript (a dialog over the page,
where the seeds show the questions) and without (ordinary pages), in every disposition,
with axe-core on every gate and program page."""

import re
import uuid

import pytest
from accounts_support import link_in_server_log
from browser_support import PASSWORD, sign_in
from playwright.sync_api import expect
from support import E2E_NURSE_PASSWORD, axe_violations, run_on_server

pytestmark = pytest.mark.browser

STEP_LABELS = {  # what a person ticks at each step; "None of these" where nothing is given
    "proceed": [[], [], [], [], []],
    "see_doctor_first": [[], [], ["Feeling sick to your stomach (nausea) or throwing up (vomiting)"], [], []],
    "urgent": [[], [], ["A fever: a temperature of 100.4°F (38°C) or higher, or feeling hot and shivery"], [], []],
    # An emergency answer ends the questions at once: the rules only rise with more answers.
    "emergency": [[], ["Losing control of your bladder or bowels, even a little (leaks or accidents)"]],
}
HEADINGS = {
    "proceed": "You can start the back pain program",
    "see_doctor_first": "Talk with your doctor before you start",
    "urgent": "Contact a doctor today",
    "emergency": "Get emergency help now",
}


def answer_step(scope, number, labels, check_axe_on=None):
    expect(scope.locator(".q-progress")).to_have_text(f"Step {number} of 5")
    if check_axe_on is not None:
        assert axe_violations(check_axe_on) == []
    if number == 2:  # the yes/no question about numbness between the legs
        scope.get_by_label("No", exact=True).check()
    for label in labels or ["None of these"]:
        scope.get_by_label(label, exact=True).check()
    scope.get_by_role("button", name=re.compile("^(Continue|Submit)$")).click()


@pytest.mark.parametrize("disposition", list(STEP_LABELS))
def test_gate_opens_as_a_dialog_on_the_seed_page_and_leads_to_the_right_page(server, browser, disposition):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server["base"] + "/conditions/bone-cancer/")
    # The gate sits at the top of the page, before the article's own content, as in the seeds.
    panel = page.locator(".gate-panel").first
    expect(panel.get_by_role("heading")).to_have_text("Are you having back pain with any of the following?")
    panel.get_by_role("link", name="Check if this program is right for you").click()
    dialog = page.get_by_role("dialog", name="Back pain program: safety questions")
    expect(dialog).to_be_visible()
    assert page.url.endswith("/conditions/bone-cancer/")  # still on the page underneath
    for number, labels in enumerate(STEP_LABELS[disposition], start=1):
        answer_step(dialog, number, labels, check_axe_on=page if disposition == "proceed" else None)
    page.wait_for_url(re.compile(r"/back-pain-program/check/result/"))
    expect(page.locator("h1")).to_have_text(HEADINGS[disposition])
    assert axe_violations(page) == []
    if disposition == "emergency":
        # The first thing in the page's main content says to call 911.
        first = page.locator("main .gate-result > *").first
        expect(first).to_contain_text("Call 911 or go to an emergency department now.")
    context.close()


@pytest.mark.parametrize("disposition", list(STEP_LABELS))
def test_gate_works_as_plain_pages_without_javascript(server, browser, disposition):
    context = browser.new_context()
    # None of the site's scripts load, as for a browser with JavaScript off; the browser keeps
    # JavaScript itself so that axe can check the pages.
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(server["base"] + "/back-pain-program/")
    assert page.evaluate("document.documentElement.className") == "no-js"
    page.get_by_role("link", name="Check if this program is right for you").click()
    expect(page).to_have_url(re.compile(r"/back-pain-program/check/"))
    for number, labels in enumerate(STEP_LABELS[disposition], start=1):
        answer_step(page, number, labels, check_axe_on=page if disposition == "see_doctor_first" else None)
    expect(page).to_have_url(re.compile(r"/back-pain-program/check/result/"))
    expect(page.locator("h1")).to_have_text(HEADINGS[disposition])
    context.close()


def test_a_missed_question_is_explained_in_the_dialog(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server["base"] + "/back-pain-program/")
    page.get_by_role("link", name="Check if this program is right for you").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".q-progress")).to_have_text("Step 1 of 5")
    dialog.get_by_role("button", name="Continue").click()
    summary = dialog.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert axe_violations(page) == []
    context.close()


# A week passes on the server (as the medical center's IT would run a command): the program's
# dates move back, so the check-in that opens 7 days after its week opened is open now.
A_WEEK_PASSES = """
import datetime as dt
from django.db.models import F
from careguide.backpain.models import Enrollment, EnrollmentEvent
shift = dt.timedelta(days=7, hours=1)
for enrollment in Enrollment.objects.filter(user__email="{email}", status__in=["active", "paused"]):
    Enrollment.objects.filter(pk=enrollment.pk).update(started_at=F("started_at") - shift)
    EnrollmentEvent.objects.filter(enrollment=enrollment).update(at=F("at") - shift)
"""


def register_from_the_result(page, server, email):
    """Register from a result page as a person does: the address, then the emailed link."""
    page.get_by_role("link", name="create an account").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(server["base"] + link_in_server_log(server, email))  # the link the server emailed
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Create account").click()


def see_doctor_first_in_the_dialog(page, base):
    page.goto(base + "/back-pain-program/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Check if this program is right for you").click()
    dialog = page.get_by_role("dialog")
    for number, labels in enumerate(STEP_LABELS["see_doctor_first"], start=1):
        answer_step(dialog, number, labels)
    page.wait_for_url(re.compile(r"/check/result/"))
    return page.url


def test_a_patient_is_cleared_by_their_care_team_and_the_team_hears_of_their_check_ins(server, browser):
    """see-your-doctor-first; the patient (new registrations join the demo care team) asks the
    team; the nurse records the clearance; the program opens week by week; severe pain and a new
    red flag reach the nurse's queue."""
    context = browser.new_context()
    page = context.new_page()
    base = server["base"]
    email = f"patient-{uuid.uuid4().hex[:8]}@example.org"
    result_url = see_doctor_first_in_the_dialog(page, base)
    register_from_the_result(page, server, email)
    expect(page).to_have_url(result_url)  # back to the result, now as the account's own
    expect(page.locator("#id_attest")).to_have_count(0)  # no self-attestation with a care team
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ask my care team to clear me").click()
    expect(page.locator("main")).to_contain_text("You asked your care team on")
    assert axe_violations(page) == []

    # The nurse finds the request on the queue and records the clearance (a mistake first).
    nurse_context = browser.new_context()
    nurse = nurse_context.new_page()
    sign_in(nurse, base, "nurse", E2E_NURSE_PASSWORD)
    expect(nurse.locator("main")).to_contain_text("patients asking to be cleared")
    nurse.get_by_role("link", name=re.compile("^Answer the request of")).first.click()
    assert axe_violations(nurse) == []
    nurse.get_by_label("Clear the patient for the back pain program").check()
    nurse.get_by_role("button", name="Save the answer").click()
    expect(nurse.locator(".error-summary")).to_contain_text("Tick the box to confirm")
    assert axe_violations(nurse) == []
    nurse.get_by_label(re.compile("^I have checked the problems listed above")).check()
    nurse.get_by_label("Note for the patient").fill("We talked on the phone: go gently.")
    nurse.get_by_role("button", name="Save the answer").click()
    expect(nurse.locator("main")).to_contain_text("You cleared the patient")

    # The patient sees who cleared them, starts, and week 1's check-in opens in 7 days.
    page.reload()
    expect(page.locator("main")).to_contain_text("Cleared by your care team:")
    expect(page.locator("main")).to_contain_text("We talked on the phone: go gently.")
    page.get_by_role("button", name="Start the back pain program").click()
    expect(page).to_have_url(re.compile(r"/back-pain-program/week/1/"))
    expect(page.locator("main")).to_contain_text("Your week 1 check-in opens on")
    expect(page.get_by_role("link", name="Do your week 1 check-in")).to_have_count(0)
    assert axe_violations(page) == []
    page.goto(base + "/back-pain-program/check-in/")
    expect(page.locator("h1")).to_contain_text("Your week 1 check-in opens on")
    assert axe_violations(page) == []

    # A week later: the gate first (the cleared flag does not stop the program), then severe pain.
    run_on_server(server, "shell", "-c", A_WEEK_PASSES.format(email=email))
    page.goto(base + "/back-pain-program/check-in/")
    for number, labels in enumerate(STEP_LABELS["see_doctor_first"], start=1):
        answer_step(page, number, labels, check_axe_on=page if number == 1 else None)
    expect(page).to_have_url(re.compile(r"/back-pain-program/check-in/"))
    assert axe_violations(page) == []
    page.locator("input[name=pain][value='8']").check()
    page.locator("input[name=limits][value='3']").check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page).to_have_url(re.compile(r"/back-pain-program/week/2/"))
    expect(page.locator("main")).to_contain_text("We have told your care team")
    nurse.goto(base + "/care-team/")
    expect(nurse.locator("main")).to_contain_text("Severe back pain this week")
    assert axe_violations(nurse) == []
    page.goto(base + "/back-pain-program/progress/")
    expect(page.locator("table")).to_contain_text("8")
    assert axe_violations(page) == []
    page.goto(base + "/back-pain-program/")
    assert axe_violations(page) == []
    # Pause (asked first), then resume.
    page.get_by_role("link", name="Pause the program").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, pause my program").click()
    expect(page.locator("main")).to_contain_text("Your program is paused")
    page.goto(base + "/back-pain-program/check-in/")
    assert axe_violations(page) == []
    page.goto(base + "/back-pain-program/")
    page.get_by_role("button", name="Resume the program").click()
    assert axe_violations(page) == []
    # A week later a new red flag at the check-in stops the program and reaches the nurse.
    run_on_server(server, "shell", "-c", A_WEEK_PASSES.format(email=email))
    page.goto(base + "/back-pain-program/check-in/")
    for number, labels in enumerate(STEP_LABELS["emergency"], start=1):
        answer_step(page, number, labels)
    expect(page.locator("h1")).to_have_text(HEADINGS["emergency"])
    expect(page.locator("main")).to_contain_text("We have stopped your back pain program for now")
    nurse.goto(base + "/care-team/")
    expect(nurse.locator("main")).to_contain_text("Back pain with a warning sign that needs emergency care")
    context.close()
    nurse_context.close()


NO_CARE_TEAM = """
from careguide.careteam.models import TeamPatient
TeamPatient.objects.filter(patient__email="{email}").delete()
"""


def test_without_a_care_team_my_doctor_cleared_me_is_self_reported(server, browser):
    context = browser.new_context()
    page = context.new_page()
    base = server["base"]
    email = f"solo-{uuid.uuid4().hex[:8]}@example.org"
    result_url = see_doctor_first_in_the_dialog(page, base)
    register_from_the_result(page, server, email)
    run_on_server(server, "shell", "-c", NO_CARE_TEAM.format(email=email))
    page.goto(result_url)
    expect(page.get_by_role("button", name="Ask my care team to clear me")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("This is self-reported")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick the box to confirm that your doctor has cleared you")
    assert axe_violations(page) == []
    page.get_by_label(re.compile("My doctor has checked the problems")).check()
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator("main")).to_contain_text("Self-reported: you told us on")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start the back pain program").click()
    expect(page).to_have_url(re.compile(r"/back-pain-program/week/1/"))
    context.close()
