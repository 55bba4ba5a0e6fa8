"""The footer's "Staff sign in" takes each kind of staff to their own place (issue 14, item 8).

Before: it led to /admin/, where a nurse or doctor, once signed in, met "You do not have
permission to access the admin" and nothing else. Now it leads to the one sign-in page, and
each person lands where they work: care-team staff on the care-team queue, primary-care doctors
on their referrals, editors, reviewers and administrators in the admin, patients on their
account. Wagtail's own /admin/login/ does the same for anyone who is not an admin user.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from factories import (
    PASSWORD,
    CareTeamFactory,
    EditorFactory,
    GPFactory,
    NurseFactory,
    OncologistFactory,
    PatientFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db

PLACES = {
    "nurse": "alerts:queue",
    "oncologist": "alerts:queue",
    "doctor": "referrals:list",
    "writer": "wagtailadmin_home",
    "checker": "wagtailadmin_home",
    "boss": "wagtailadmin_home",
    "pat@example.org": "accounts:home",
}


@pytest.fixture
def people():
    team = CareTeamFactory(name="Team for sign-in")
    made = {"nurse": NurseFactory(username="staff.nurse", team=team),
            "oncologist": OncologistFactory(username="staff.oncologist", team=team),
            "doctor": GPFactory(username="staff.doctor"),
            "writer": EditorFactory(username="staff.writer"),
            "checker": ReviewerFactory(username="staff.checker")}
    made["boss"] = get_user_model().objects.create_superuser("staff.boss", password=PASSWORD)
    made["pat@example.org"] = PatientFactory(email="pat@example.org")
    return made


def footer_link(client) -> str:
    footer = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer")
    return footer.find("a", string="Staff sign in")["href"]


@pytest.mark.parametrize("who", PLACES)
def test_staff_sign_in_from_the_footer_takes_each_person_to_their_place(client, people, who):
    url = footer_link(client)
    assert url == reverse("accounts:sign_in")
    response = client.post(url, {"username": people[who].get_username(), "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(PLACES[who])
    assert response.status_code == 200  # their place opens: no dead end


@pytest.mark.parametrize("who", ["nurse", "doctor", "pat@example.org"])
def test_wagtails_sign_in_page_sends_people_who_may_not_use_the_admin_to_their_place(client, people, who):
    response = client.post(reverse("wagtailadmin_login"),
                           {"username": people[who].get_username(), "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(PLACES[who]) and response.status_code == 200
    # Opening the admin later, signed in, leads there too.
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(PLACES[who]) and response.status_code == 200


def test_editors_still_sign_in_at_the_admin(client, people):
    response = client.post(reverse("wagtailadmin_login"),
                           {"username": "staff.writer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home") and response.status_code == 200


def test_someone_signed_in_who_opens_the_sign_in_page_goes_to_their_place(client, people):
    client.force_login(people["nurse"])
    response = client.get(footer_link(client))
    assert response.status_code == 302 and response.url == reverse("alerts:queue")
