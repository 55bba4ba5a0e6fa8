"""A bounded fuzz of what outsiders can send: the FHIR API (every resource type: search, read,
create), the JSON APIs (/api/triage/*, /api/search) and the main forms (registration, sign-in,
the side-effect check's steps, the diary, booking, the questionnaires, treatment-plan dates),
each as the person who may use it. Whatever is sent, the answer is never a 5xx, nothing is
logged at ERROR, and no log line repeats what was typed (ADR 0023).

Budget: derandomized (the same examples on every run, so CI is stable), no example database,
MAX_EXAMPLES examples per target below: 690 examples, about 1,500 requests; 35-70 seconds on
SQLite on a busy 2-CPU machine, and about as long again on PostgreSQL (`make test` runs both).
The forms are read from the real pages, so a new field is fuzzed without changing this file.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import CareTeamFactory, GPFactory, NurseFactory, PatientFactory, UserFactory
from fuzz_support import CHARSETS, NASTY, dump, every_log, fill, forms_on, json_values, nasty_text, picks, post_form
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import EVAL

from careguide.journey import catalog
from careguide.journey import services as journey
from careguide.procedures import checklists
from careguide.questionnaires import versions as questionnaires
from careguide.questionnaires.models import Questionnaire
from careguide.referrals import services as referrals
from careguide.referrals.models import Slot

DATA = EVAL

MAX_EXAMPLES = {
    "fhir_search": 100, "fhir_read": 50, "fhir_create": 100, "triage": 100, "search": 50,
    "anonymous_forms": 90, "patient_forms": 80, "staff_forms": 60, "side_effect_check": 30,
    "questionnaire_steps": 30,
}
assert sum(MAX_EXAMPLES.values()) == 690  # the budget in the docstring

pytestmark = pytest.mark.django_db


def bounded(name: str):
    return settings(max_examples=MAX_EXAMPLES[name], derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def no_5xx_and_quiet_logs(response, logs, what: str):
    assert response.status_code < 500, f"{what} -> {response.status_code}"
    assert logs.problems() == [], what
    logs.records.clear()


# --- the people and records the fuzz works with ---------------------------------------------------

@pytest.fixture
def world(db):
    team = CareTeamFactory(name="Fuzz team")
    nurse = NurseFactory(username="fuzz.nurse", email="fuzz.nurse@example.org", last_name="", team=team)
    gp = GPFactory(username="fuzz.gp", email="fuzz.gp@example.org", last_name="")
    patient = PatientFactory(email="fuzz.patient@example.org", first_name="Pat", team=team)
    referral = referrals.create(gp, patient=patient, reason="Bone pain", urgency="routine", send=True)
    referrals.accept(referral, nurse, team)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    for hour in range(3):
        Slot.objects.create(clinician=nurse, location="fremont", start=start + dt.timedelta(hours=hour),
                            end=start + dt.timedelta(hours=hour, minutes=30))
    plan = journey.apply_template(nurse, patient, catalog.get("radiation-course"), timezone.localdate(), {"weeks": 5})
    phq9 = questionnaires.import_questionnaire(json.loads((DATA / "fhir-questionnaires" / "lforms_R4_phq9.json")
                                                          .read_text())).questionnaire
    return type("World", (), {"nurse": nurse, "gp": gp, "patient": patient, "referral": referral,
                              "plan": plan, "phq9": phq9, "team": team})


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- FHIR --------------------------------------------------------------------------------------------

FHIR_SEARCH_PARAMS = {
    "Questionnaire": ["url", "version", "_id"],
    "QuestionnaireResponse": ["_id", "questionnaire", "subject:identifier"],
    "ServiceRequest": ["_id", "status", "subject:identifier", "patient:identifier"],
    "Slot": ["_id", "start", "status"],
    "Appointment": ["_id", "date", "status", "patient:identifier"],
    "CarePlan": ["_id", "subject:identifier", "status"],
}
FHIR_TYPES = [*FHIR_SEARCH_PARAMS, "Patient", "metadata", "$everything"]
search_value = st.one_of(nasty_text, st.sampled_from(["urn:careguide:user|", "ge", "lt2026-11-21T10:00:00",
                                                      "eq2026-11-21", "free", "active", "booked"]),
                         st.tuples(st.sampled_from(["ge", "le", "urn:careguide:user|", ""]), nasty_text)
                         .map("".join))


def test_fhir_searches(world):
    clients = [signed_in(None), signed_in(world.patient), signed_in(world.nurse), signed_in(world.gp)]

    @bounded("fhir_search")
    @given(who=st.integers(0, 3), kind=st.sampled_from(FHIR_TYPES), data=st.data())
    def run(who, kind, data):
        names = FHIR_SEARCH_PARAMS.get(kind, ["_id"])
        params = data.draw(st.lists(st.tuples(st.one_of(st.sampled_from(names), nasty_text), search_value),
                                    max_size=4))
        query = "&".join(f"{quote(name, safe='')}={quote(value, safe='|')}" for name, value in params)
        response = clients[who].get(f"{reverse('fhir:unknown_type', kwargs={'resource_type': kind})}?{query}")
        no_5xx_and_quiet_logs(response, logs, f"GET /fhir/{kind}?{query}")

    with every_log() as logs:
        run()


def test_fhir_reads(world):
    clients = [signed_in(world.patient), signed_in(world.nurse), signed_in(world.gp)]
    known = [str(world.referral.fhir_id), str(world.plan.fhir_id), world.phq9.fhir_id]

    @bounded("fhir_read")
    @given(who=st.integers(0, 2), kind=st.sampled_from(FHIR_TYPES),
           resource_id=st.one_of(nasty_text, st.sampled_from(known)),
           method=st.sampled_from(["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]))
    def run(who, kind, resource_id, method):
        path = f"/fhir/{kind}/{quote(resource_id, safe='')}"
        response = clients[who].generic(method, path)
        no_5xx_and_quiet_logs(response, logs, f"{method} {path}")

    with every_log() as logs:
        run()


def _replace_somewhere(resource, value, path):
    """``resource`` with the element at the drawn ``path`` (a list of indexes) replaced by ``value``."""
    node = resource
    for step in path[:-1]:
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        if not children:
            break
        node = children[step % len(children)]
    if isinstance(node, dict) and node:
        keys = list(node)
        node[keys[path[-1] % len(keys)]] = value
    elif isinstance(node, list) and node:
        node[path[-1] % len(node)] = value
    return resource


def test_fhir_creates(world):
    from fhir_support import phq9_response

    staff = UserFactory(username="fuzz.curator", email="c@example.org", is_staff=True, is_superuser=True)
    clients = {"QuestionnaireResponse": signed_in(world.patient), "Questionnaire": signed_in(staff),
               "ServiceRequest": signed_in(world.gp)}
    seeds = {"QuestionnaireResponse": phq9_response(),
             "Questionnaire": json.loads((DATA / "fhir-questionnaires" /
                                          "sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json").read_text()),
             "ServiceRequest": {"resourceType": "ServiceRequest", "status": "active", "intent": "order"}}

    @bounded("fhir_create")
    @given(kind=st.sampled_from(list(seeds)), data=st.data(),
           content_type=st.sampled_from(["application/fhir+json", "application/json", "application/fhir+json; "
                                         "charset=utf-8", "text/plain", *[f"application/json; charset={c}"
                                                                          for c in CHARSETS]]))
    def run(kind, data, content_type):
        how = data.draw(st.integers(0, 3))
        if how == 0:
            body = dump(data.draw(json_values()))
        else:
            resource = json.loads(json.dumps(seeds[kind]))
            for _ in range(how):
                path = data.draw(st.lists(st.integers(0, 50), min_size=1, max_size=6))
                resource = _replace_somewhere(resource, data.draw(json_values()), path)
            body = dump(resource)
        response = clients[kind].generic("POST", f"/fhir/{kind}", body, content_type=content_type)
        no_5xx_and_quiet_logs(response, logs, f"POST /fhir/{kind} {content_type} {body[:300]!r}")

    with every_log() as logs:
        run()


# --- JSON APIs -----------------------------------------------------------------------------------------

def _dev_inputs():
    rows = [json.loads(line) for line in (DATA / "triage" / "cases_dev.jsonl").read_text().splitlines() if line]
    return {"side-effects": [r["input"] for r in rows if r["tool"] != "back-pain"],
            "back-pain": [r["input"] for r in rows if r["tool"] == "back-pain"]}


def test_triage_api():
    client = Client()
    seeds = _dev_inputs()
    raw_bodies = [b'{"\\ud800fever": 1}', b'{"symptoms": {"\\udcff": true}}', b"[" * 5000, b'{"a": "\\u0000"}',
                  b"\xff\xfe{}", b'{"symptoms": {"mouth": 1, "mouth": 2}}', b'{"x": NaN}']

    @bounded("triage")
    @given(tool=st.sampled_from(["side-effects", "back-pain"]), data=st.data(),
           charset=st.sampled_from([None, None, None, *CHARSETS]))
    def run(tool, data, charset):
        how = data.draw(st.integers(0, 3))
        if how == 0:
            body = data.draw(st.sampled_from(raw_bodies))
        else:
            case = json.loads(json.dumps(data.draw(st.sampled_from(seeds[tool]))))
            for _ in range(how):
                path = data.draw(st.lists(st.integers(0, 20), min_size=1, max_size=3))
                case = _replace_somewhere({"root": case}, data.draw(json_values()), path)["root"]
            body = dump(case)
        content_type = "application/json" + (f"; charset={charset}" if charset else "")
        response = client.generic("POST", reverse(f"triage_api:{tool.replace('-', '_')}"), body,
                                  content_type=content_type)
        no_5xx_and_quiet_logs(response, logs, f"POST {tool} {content_type} {body[:300]!r}")

    with every_log() as logs:
        run()


def test_search(db):
    client = Client()

    @bounded("search")
    @given(where=st.sampled_from(["search:api", "search:search"]),
           params=st.dictionaries(st.sampled_from(["q", "page", "kind", "type", "x"]), nasty_text, max_size=3))
    def run(where, params):
        response = client.get(reverse(where), params)
        no_5xx_and_quiet_logs(response, logs, f"GET {where} {params!r}")

    with every_log() as logs:
        run()


# --- forms -----------------------------------------------------------------------------------------

def fuzz_pages(client, pages, logs, name):
    """For each page in turn, its share of the examples: open it, fill one of its POST forms, post."""

    @settings(bounded(name), max_examples=max(1, MAX_EXAMPLES[name] // len(pages)))
    @given(which=st.integers(0, 9), drawn=picks, charset=st.sampled_from([None] * 6 + CHARSETS))
    def run(page, which, drawn, charset):
        shown = client.get(page, follow=True)
        no_5xx_and_quiet_logs(shown, logs, f"GET {page}")
        forms = forms_on(shown)
        if not forms:
            return
        form = forms[which % len(forms)]
        values = fill(form, drawn)
        response = post_form(client, form["action"], values, charset)
        no_5xx_and_quiet_logs(response, logs, f"POST {form['action']} ({charset}) {values!r}"[:2000])

    for page in pages:
        run(page)


def test_anonymous_forms(world):
    pages = [reverse("accounts:register"), reverse("accounts:sign_in"), reverse("accounts:password_reset"),
             reverse("questionnaires:fill", args=[world.phq9.fhir_id]),
             *[reverse("questionnaires:fill", args=[fhir_id]) for fhir_id in
               Questionnaire.objects.exclude(pk=world.phq9.pk).values_list("fhir_id", flat=True)],
             reverse("backpain:gate"), reverse("search:search")]
    with every_log() as logs:
        fuzz_pages(Client(), pages, logs, "anonymous_forms")


def test_patient_forms(world):
    client = signed_in(world.patient)
    pages = [reverse("diary:symptoms"), reverse("diary:today"), reverse("sideeffects:treatment"),
             reverse("accounts:password_change"), reverse("referrals:mine"),
             *[reverse("procedures:detail", args=[slug]) for slug in sorted(checklists.registry())[:2]]]
    with every_log() as logs:
        fuzz_pages(client, pages, logs, "patient_forms")


def test_staff_forms(world):
    nurse, gp = signed_in(world.nurse), signed_in(world.gp)
    phase = world.plan.phases.first()
    nurse_pages = [reverse("appointments:book", args=[world.referral.pk]),
                   reverse("journey:apply", args=[world.patient.pk]),
                   reverse("journey:edit_phase", args=[world.plan.pk, phase.pk]),
                   reverse("journey:add_phase", args=[world.plan.pk]),
                   reverse("referrals:intake_detail", args=[world.referral.pk])]
    with every_log() as logs:
        fuzz_pages(nurse, nurse_pages, logs, "staff_forms")
        fuzz_pages(gp, [reverse("referrals:new")], logs, "staff_forms")


def test_side_effect_check_steps(world):
    """Walk the paged check: each step filled with what it offers, or nasty values."""
    clients = [Client(), signed_in(world.patient)]

    @bounded("side_effect_check")
    @given(who=st.integers(0, 1), steps=st.lists(picks, min_size=1, max_size=6))
    def run(who, steps):
        client = clients[who]
        shown = client.get(reverse("sideeffects:check") + "?restart=1")
        for drawn in steps:
            no_5xx_and_quiet_logs(shown, logs, "side-effect check step")
            forms = forms_on(shown)
            if not forms:
                return
            values = fill(forms[0], drawn)
            response = post_form(client, forms[0]["action"], values)
            no_5xx_and_quiet_logs(response, logs, f"POST check step {values!r}"[:2000])
            shown = client.get(response["Location"]) if response.status_code == 302 else response

    with every_log() as logs:
        run()


def test_questionnaire_steps(world):
    """The generic questionnaire pages, anonymous, including the hidden list of shown questions."""
    client = Client()
    targets = [reverse("questionnaires:fill", args=[q.fhir_id]) for q in Questionnaire.objects.all()]

    @bounded("questionnaire_steps")
    @given(page=st.sampled_from(targets), steps=st.lists(picks, min_size=1, max_size=4),
           hidden=st.one_of(st.sampled_from(NASTY), st.just("[" * 100_000 + "]" * 100_000)))
    def run(page, steps, hidden):
        shown = client.get(page)
        for drawn in steps:
            no_5xx_and_quiet_logs(shown, logs, f"GET {page}")
            forms = forms_on(shown)
            if not forms:
                return
            values = {**fill(forms[0], drawn), "_hidden": hidden}
            response = post_form(client, forms[0]["action"], values)
            no_5xx_and_quiet_logs(response, logs, f"POST {page} {values!r}"[:2000])
            shown = client.get(response["Location"]) if response.status_code == 302 else response

    with every_log() as logs:
        run()
