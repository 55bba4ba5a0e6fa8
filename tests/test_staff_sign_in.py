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
from django.contrib.auth.models import Group
from django.urls import reverse

from careguide.accounts import forms, services
from careguide.accounts.roles import EDITORS, PRIMARY_CARE, REVIEWERS
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam

pytestmark = pytest.mark.django_db

PASSWORD = "a calm walk by the river 7"
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
    User = get_user_model()
    team = CareTeam.objects.create(name="Team for sign-in")
    made = {}
    for username, role in (("nurse", "nurse"), ("oncologist", "oncologist")):
        made[username] = User.objects.create_user(f"staff.{username}", password=PASSWORD)
        careteam.add_member(None, team, made[username], role)
    for username, group in (("doctor", PRIMARY_CARE), ("writer", EDITORS), ("checker", REVIEWERS)):
        made[username] = User.objects.create_user(f"staff.{username}", password=PASSWORD)
        made[username].groups.add(Group.objects.get(name=group))
    made["boss"] = User.objects.create_superuser("staff.boss", password=PASSWORD)
    made["pat@example.org"] = services.register_patient(email="pat@example.org", password=PASSWORD,
                                                        first_name="Pat", consent_wording=forms.CONSENT_WORDING)
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
