"""The care journey in Chromium, as patients, a primary-care doctor and the care team see it.

1. A patient who registered follows a procedure checklist: opens "Prepare for your procedure"
   from a library page, ticks things off (each tick saved as it is made), sets the date, saves,
   and finds their ticks and date again after signing in anew; the printable PDF is offered.
2. A primary-care doctor refers a patient; a nurse accepts the referral and books the first
   visit in a published slot; the patient sees the appointment, with its calendar file, gets
   ready for the visit and asks to change the time; the nurse gives the patient a radiation
   plan that started this week, and the patient sees "You are here" on their timeline.
   The nurse answers the change request (cancels, books a new time the patient then sees) and
   adjusts a phase of the plan (an error first, then a note the patient sees); the pages to add
   or remove a phase and to end the plan are checked too. The patient ticks part of a
   checklist, and the nurse finds it on the patient's care-team page.

axe-core runs on every page on the way.
"""

import datetime
import re
import uuid

import pytest
from browser_support import PASSWORD, register, sign_in
from django.utils import timezone
from playwright.sync_api import expect
from support import E2E_GP_PASSWORD, E2E_NURSE_PASSWORD, axe_violations

pytestmark = pytest.mark.browser


def no_axe_violations(page, where):
    assert axe_violations(page) == [], where


def test_a_patient_follows_a_procedure_checklist(server, browser):
    base = server["base"]
    name = f"Lena{uuid.uuid4().hex[:8]}"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    register(page, server, name)

    page.goto(base + "/conditions/bone-cancer/")
    page.get_by_role("link", name="Prepare for your procedure").first.click()
    expect(page).to_have_url(re.compile(r"/prepare/$"))
    no_axe_violations(page, "checklist list")
    page.get_by_role("link", name="Having a biopsy").click()
    expect(page).to_have_url(re.compile(r"/prepare/biopsy/$"))
    no_axe_violations(page, "biopsy checklist")

    page.locator("#item-know-the-type").check()
    page.locator("#item-medicine-list").check()
    in_a_week = timezone.localdate() + datetime.timedelta(days=7)  # the site's date, not the machine's
    page.locator("#id_procedure_date").fill(in_a_week.isoformat())
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.locator("#progress")).to_contain_text("You have done 2 of")
    no_axe_violations(page, "saved checklist")

    # A tick is saved as it is made (JavaScript); a past date is refused with a message on the
    # field, and the saved date stays.
    page.locator("#item-allergies").check()
    expect(page.locator("#progress-count")).to_contain_text("3 of")
    page.locator("#id_procedure_date").fill("2020-01-01")
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.locator(".error-summary")).to_be_visible()
    no_axe_violations(page, "checklist with an error")

    # Signed out and in again (another phone): the ticks were saved to the account.
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, f"{name.lower()}@example.org", PASSWORD)
    page.goto(base + "/prepare/biopsy/")
    expect(page.locator("#item-know-the-type")).to_be_checked()
    expect(page.locator("#item-medicine-list")).to_be_checked()
    expect(page.locator("#item-allergies")).to_be_checked()
    expect(page.locator("#progress")).to_contain_text("3 of")
    expect(page.locator("#id_procedure_date")).to_have_value(in_a_week.isoformat())
    response = page.request.get(base + "/prepare/biopsy/pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    context.close()


def test_a_referral_from_a_primary_care_doctor_to_an_appointment_the_patient_sees(server, browser):
    base = server["base"]
    name = f"Omar{uuid.uuid4().hex[:8]}"
    email = f"{name.lower()}@example.org"
    patient_context = browser.new_context(viewport={"width": 390, "height": 844})
    patient = patient_context.new_page()
    register(patient, server, name)

    # The primary-care doctor refers the patient, urgently.
    gp_context = browser.new_context()
    gp = gp_context.new_page()
    sign_in(gp, base, "gp", E2E_GP_PASSWORD)
    expect(gp).to_have_url(re.compile(r"/referrals/$"))
    no_axe_violations(gp, "doctor's referrals")
    gp.goto(base + "/referrals/new/")
    no_axe_violations(gp, "referral form")
    gp.locator("#id_email").fill(email)
    gp.locator("#id_reason").fill("Pain in the left thigh for six weeks, worse at night")
    gp.locator("#id_urgency_1").check()
    gp.get_by_role("button", name="Send to Cancer Care").click()
    expect(gp.locator("main")).to_contain_text("Sent")
    no_axe_violations(gp, "referral sent")
    referral_url = gp.url

    # A nurse accepts it from the intake queue and books the first visit.
    nurse_context = browser.new_context()
    nurse = nurse_context.new_page()
    sign_in(nurse, base, "nurse", E2E_NURSE_PASSWORD)
    nurse.goto(base + "/referrals/intake/")
    no_axe_violations(nurse, "intake queue")
    nurse.get_by_role("link", name=re.compile(name)).first.click()
    no_axe_violations(nurse, "intake referral")
    nurse.locator("#id_accept-team").select_option(label="Cancer care team")
    nurse.get_by_role("button", name="Accept the referral").click()
    nurse.get_by_role("link", name="Book the first visit").click()
    expect(nurse).to_have_url(re.compile(r"/appointments/book/\d+/$"))
    no_axe_violations(nurse, "booking")
    nurse.locator("input[name=slot]").first.check()
    nurse.get_by_role("button", name=re.compile("^Book")).click()
    expect(nurse.locator("main")).to_contain_text("booked")
    no_axe_violations(nurse, "booked")

    # The patient sees the appointment, with a calendar file, and the referral is scheduled.
    patient.goto(base + "/appointments/")
    no_axe_violations(patient, "patient's appointments")
    expect(patient.locator("main")).to_contain_text("Fremont")
    calendar = patient.get_by_role("link", name=re.compile("Add .*to (your )?calendar")).first
    response = patient.request.get(base + calendar.get_attribute("href"))
    assert response.status == 200 and b"BEGIN:VEVENT" in response.body()
    patient.goto(base + "/referrals/mine/")
    no_axe_violations(patient, "patient's referral")
    patient.get_by_role("link", name=re.compile("Get ready for your first visit")).first.click()
    expect(patient.locator("h1")).to_have_text("Get ready for your first visit")
    no_axe_violations(patient, "visit preparation")
    patient.get_by_role("link", name="Answer the questions").click()
    no_axe_violations(patient, "pre-visit questions")
    patient.goto(base + "/appointments/")
    patient.get_by_role("link", name=re.compile("Ask to cancel or change")).first.click()
    no_axe_violations(patient, "change request form")
    patient.locator("input[name=kind][value=change]").check()
    patient.get_by_role("button", name="Send my request").click()
    expect(patient.locator("main")).to_contain_text("We have your request")
    gp.goto(referral_url)
    expect(gp.locator("main")).to_contain_text("Scheduled")

    # The nurse answers the request: cancels that time and books another one.
    nurse.goto(base + "/appointments/requests/")
    no_axe_violations(nurse, "change requests")
    nurse.get_by_role("link", name=re.compile(f"Answer the request of .*{name}")).click()
    no_axe_violations(nurse, "answer a change request")
    nurse.get_by_role("button", name="Save the answer").click()
    expect(nurse.locator(".error-summary")).to_contain_text("Choose what to do with the request")
    no_axe_violations(nurse, "answer with an error")
    nurse.get_by_label(re.compile("^Cancel the appointment")).check()
    nurse.get_by_label("Reply to the patient").fill("We moved you to a later time, as you asked.")
    nurse.get_by_role("button", name="Save the answer").click()
    expect(nurse).to_have_url(re.compile(r"/appointments/book/\d+/$"))
    new_time = nurse.locator("input[name=slot]").nth(1)
    new_start = nurse.locator(f"label[for='{new_time.get_attribute('id')}'] time").get_attribute("datetime")
    new_time.check()
    nurse.get_by_role("button", name=re.compile("^Book")).click()
    expect(nurse.locator("main")).to_contain_text("booked")
    patient.goto(base + "/appointments/")
    expect(patient.locator(f"main time[datetime='{new_start}']").first).to_be_visible()
    expect(patient.locator("main")).to_contain_text("We moved you to a later time, as you asked.")
    no_axe_violations(patient, "appointments after the change")

    # The nurse adds a radiation plan from the referral; the patient sees where they are.
    nurse.goto(base + "/referrals/intake/")
    nurse.get_by_role("link", name=re.compile(name)).first.click()
    nurse.get_by_role("link", name=re.compile("^Treatment plan for")).click()
    expect(nurse).to_have_url(re.compile(r"/treatment-plan/patients/\d+/$"))  # loaded before axe runs
    no_axe_violations(nurse, "care team's view of the plan")
    nurse.get_by_role("link", name="Add a treatment plan").click()
    no_axe_violations(nurse, "choose a plan template")
    nurse.get_by_label(re.compile("^Radiation therapy")).check()
    nurse.get_by_role("button", name="Continue").click()
    no_axe_violations(nurse, "plan settings")
    # Radiation runs Monday to Friday: started this week's Monday, so today is within it.
    today = timezone.localdate()  # the server's "today" is the site's local date
    nurse.get_by_label("Start date").fill((today - datetime.timedelta(days=today.weekday())).isoformat())
    nurse.get_by_role("button", name="Save the plan").click()
    expect(nurse).to_have_url(re.compile(r"/treatment-plan/patients/\d+/$"))  # saved before the patient looks
    patient.goto(base + "/treatment-plan/")
    expect(patient.locator("[aria-current=step]")).to_have_count(1)
    expect(patient.locator("main")).to_contain_text("You are here")
    no_axe_violations(patient, "patient's timeline")

    # The nurse adjusts the plan: a phase's dates and note, then looks at adding, removing, ending.
    expect(nurse).to_have_url(re.compile(r"/treatment-plan/patients/\d+/$"))
    plan_url = nurse.url
    nurse.get_by_role("link", name=re.compile("^Change dates or note")).first.click()
    no_axe_violations(nurse, "change a phase")
    start = nurse.get_by_label("Start date").input_value()
    nurse.get_by_label("End date").fill((datetime.date.fromisoformat(start) - datetime.timedelta(days=1)).isoformat())
    nurse.get_by_role("button", name="Save").click()
    expect(nurse.locator(".error-summary")).to_contain_text("The end date must be the same as or after the start date.")
    no_axe_violations(nurse, "phase with an error")
    nurse.get_by_label("End date").fill((datetime.date.fromisoformat(start) + datetime.timedelta(days=2)).isoformat())
    nurse.get_by_label("Note for the patient").fill("Your first visit is longer: plan for about an hour.")
    nurse.get_by_role("button", name="Save").click()
    expect(nurse).to_have_url(plan_url)
    for link, where in (("Add a phase", "add a phase"), ("Remove", "remove a phase")):
        nurse.get_by_role("link", name=re.compile(f"^{link}")).first.click()
        no_axe_violations(nurse, where)
        nurse.goto(plan_url)
    nurse.get_by_role("link", name=re.compile("^End this plan")).first.click()
    no_axe_violations(nurse, "end the plan")
    patient.goto(base + "/treatment-plan/")
    expect(patient.locator("main")).to_contain_text("Your first visit is longer: plan for about an hour.")

    # The patient ticks part of the biopsy checklist; the nurse sees what is not done yet.
    patient.goto(base + "/prepare/biopsy/")
    patient.locator("#item-know-the-type").check()
    patient.get_by_role("button", name="Save my checklist").click()
    expect(patient.locator("#progress")).to_contain_text("You have done 1 of")
    nurse.goto(plan_url)
    nurse.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=re.compile(name)).first.click()
    expect(nurse).to_have_url(re.compile(r"/care-team/patients/\d+/$"))
    checklist_row = nurse.locator("table", has_text="Checklists this patient has saved").locator("tbody tr")
    expect(checklist_row).to_contain_text("Having a biopsy")
    expect(checklist_row).to_contain_text("1 of")
    no_axe_violations(nurse, "care team patient page")
    for context in (patient_context, gp_context, nurse_context):
        context.close()
