"""Factories for the data tests build (factory-boy; library pages with wagtail-factories).

Each factory writes through the same service a person's action goes through, so the rows,
groups and audit entries are those the site itself writes:

- ``PatientFactory``: an account as registration makes it (accounts.services.register_patient:
  the Patients group and the recorded consent with the wording the form shows).
- ``NurseFactory`` / ``OncologistFactory``: care-team staff, members of a team (careteam.services
  .add_member, which also puts them in the Nurses/Oncologists group). ``team=`` picks the team.
- ``GPFactory``: a primary-care clinician who refers patients.
- ``EditorFactory`` / ``ReviewerFactory``: the library's editors and clinical reviewers.
- ``CareTeamFactory``, ``TeamPatientFactory``; ``ReferralFactory`` (moved along the workflow
  to ``status``); ``ClinicSessionFactory``, ``SlotFactory``, ``AppointmentFactory``;
  ``AlertFactory``; ``DiaryEntryFactory``; ``TreatmentPlanFactory``; ``ChecklistProgressFactory``;
  ``LibraryPageFactory``.

Every account signs in with ``PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from careguide.accounts import forms as account_forms
from careguide.accounts import roles
from careguide.accounts import services as accounts
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam, TeamPatient

PASSWORD = "a calm walk by the river 7"


# --- people ---------------------------------------------------------------------------------------

class UserFactory(factory.django.DjangoModelFactory):
    """An account with no role (the base of the staff factories)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@clinic.example")
    first_name = ""
    last_name = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        manager = cls._get_manager(model_class)
        return manager.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """``groups=["Editors"]``: group names the account belongs to."""
        if create and extracted:
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient registered as the registration pages register one (group, consent, audit)."""

    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    first_name = "Pat"

    @classmethod
    def _create(cls, model_class, *, email, first_name, password=PASSWORD, team=None, **extra):
        person = accounts.register_patient(email=email, first_name=first_name, password=password,
                                           consent_wording=account_forms.CONSENT_WORDING)
        if extra:
            model_class.objects.filter(pk=person.pk).update(**extra)
            person.refresh_from_db()
        if team is not None:
            careteam.assign_patient(None, team, person)
        return person


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeam

    name = factory.Sequence(lambda n: f"Oncology team {n}")


class _MemberFactory(UserFactory):
    """Care-team staff: a member of ``team`` (a new team unless given) with ``role``."""

    class Meta:
        exclude = ("role",)

    team = factory.SubFactory(CareTeamFactory)

    @classmethod
    def _create(cls, model_class, *args, team=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if team is not None:
            careteam.add_member(None, team, user, cls.role)
        user.team = team
        return user


class NurseFactory(_MemberFactory):
    role = "nurse"
    username = factory.Sequence(lambda n: f"nurse{n}")
    first_name = "Nia"
    last_name = "Nurse"


class OncologistFactory(_MemberFactory):
    role = "oncologist"
    username = factory.Sequence(lambda n: f"dr.onc{n}")
    first_name = "Priya"
    last_name = "Shah"


class GPFactory(UserFactory):
    """A primary-care clinician (the Primary-care clinicians group), who refers patients."""

    username = factory.Sequence(lambda n: f"dr.gp{n}")
    first_name = "Sam"
    last_name = "Rivera"
    groups = factory.PostGeneration(
        lambda user, create, extracted, **kw: create and user.groups.add(
            Group.objects.get_or_create(name=roles.PRIMARY_CARE)[0]))


class _ContentStaffFactory(UserFactory):
    """Library staff: the role's group (with its page permissions, roles.ensure_roles), no
    staff flag (as setup_demo_accounts makes them: Wagtail's admin access comes from the group)."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        editors, reviewers = roles.ensure_roles()
        user.groups.add(editors if cls.group == roles.EDITORS else reviewers)
        return user


class EditorFactory(_ContentStaffFactory):
    group = roles.EDITORS
    username = factory.Sequence(lambda n: f"editor{n}")

    class Meta:
        exclude = ("group",)


class ReviewerFactory(_ContentStaffFactory):
    """A clinical reviewer with the clinical role shown on the pages they approve."""

    group = roles.REVIEWERS
    username = factory.Sequence(lambda n: f"reviewer{n}")
    role_title = factory.RelatedFactory(
        "factories.ClinicalProfileFactory", factory_related_name="user", role_title="Medical oncologist")

    class Meta:
        exclude = ("group",)


class ClinicalProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.ClinicalProfile"

    user = factory.SubFactory(UserFactory)
    role_title = "Medical oncologist"


class TeamPatientFactory(factory.django.DjangoModelFactory):
    """A patient placed in a team (careteam.services.assign_patient, audited)."""

    class Meta:
        model = TeamPatient

    team = factory.SubFactory(CareTeamFactory)
    patient = factory.SubFactory(PatientFactory)

    @classmethod
    def _create(cls, model_class, *, team, patient):
        return careteam.assign_patient(None, team, patient)


# --- referrals and booking ------------------------------------------------------------------------

def _referral_model():
    from careguide.referrals.models import Referral

    return Referral


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral made by ``referrer`` (a GP) and moved along the workflow to ``status``
    (the shortest path; accepted for ``team``, by ``actor`` or the team's first member)."""

    class Meta:
        model = "referrals.Referral"

    referrer = factory.SubFactory(GPFactory)
    patient = factory.SubFactory(PatientFactory)
    reason = "Lump in the thigh"
    urgency = "routine"
    notes = "X-ray attached"
    status = "sent"
    team = None
    actor = None

    @classmethod
    def _create(cls, model_class, *, referrer, patient, reason, urgency, notes, status, team, actor):
        from careguide.referrals import services, workflow

        S = model_class.Status
        path = {S.DRAFT: [], S.SENT: [S.SENT], S.ACCEPTED: [S.SENT, S.ACCEPTED],
                S.SCHEDULED: [S.SENT, S.ACCEPTED, S.SCHEDULED],
                S.COMPLETED: [S.SENT, S.ACCEPTED, S.SCHEDULED, S.COMPLETED],
                S.REJECTED: [S.SENT, S.REJECTED], S.CANCELLED: [S.CANCELLED]}[status]
        referral = services.create(referrer, patient=patient, reason=reason, urgency=urgency, notes=notes)
        staff = None
        for step in path:
            if step == S.ACCEPTED:
                team = team or CareTeamFactory(name=f"Team for referral {referral.pk}")
                if actor is not None and team.memberships.filter(user=actor).exists():
                    staff = actor
                else:
                    member = team.memberships.first()
                    staff = member.user if member else NurseFactory(username=f"staff-{referral.pk}", team=team)
                services.accept(referral, staff, team)
            else:
                why = "Seen elsewhere" if step in workflow.NEEDS_REASON else ""
                workflow.move(referral, step, actor=staff or actor or referrer, reason=why)
        return model_class.objects.get(pk=referral.pk)


class ClinicSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ClinicSession"

    clinician = factory.SubFactory(OncologistFactory)
    location = "fremont"
    weekday = 0
    start_time = dt.time(9, 0)
    end_time = dt.time(12, 0)
    slot_minutes = 30


class SlotFactory(factory.django.DjangoModelFactory):
    """A free slot of ``minutes`` from ``start`` (tomorrow at 9:00 unless given)."""

    class Meta:
        model = "referrals.Slot"
        exclude = ("minutes",)

    clinician = factory.SubFactory(OncologistFactory)
    location = "fremont"
    start = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0))
    minutes = 30
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=o.minutes))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked appointment for an accepted referral's patient."""

    class Meta:
        model = "referrals.Appointment"

    referral = factory.SubFactory(ReferralFactory, status="accepted")
    patient = factory.SelfAttribute("referral.patient")
    slot = factory.SubFactory(SlotFactory)
    booked_by = factory.SelfAttribute("referral.referrer")


# --- patients' own records ------------------------------------------------------------------------

class AlertFactory(factory.django.DjangoModelFactory):
    """A new alert of ``kind`` for ``patient``, raised as the alerts service raises one (its
    triage event, the first status row, the audit entry)."""

    class Meta:
        model = "alerts.Alert"

    patient = factory.SubFactory(PatientFactory)
    kind = "red"
    disposition = "red"
    source = "check"

    @classmethod
    def _create(cls, model_class, *, patient, kind, disposition, source):
        from careguide.alerts import services
        from careguide.alerts.models import TriageEvent
        from careguide.audit import service as audit

        event = TriageEvent.objects.create(patient=patient, source=source, disposition=disposition,
                                           reasons=["test"], explanations=["A result to look at."],
                                           rule_set_version="test")
        audit.record(None, audit.CREATE, event, patient=patient, detail=f"triage event from {source}")
        return services._raise_alert(patient, event, kind, None, None)


def entry_input(**changes):
    """A diary day with nothing wrong (diary.services.EntryInput), with ``changes``."""
    from careguide.diary.services import EntryInput

    values = {"symptoms": {}, "temperature_unit": "C", "temperature_entered": Decimal("36.8"),
              "generally_unwell": False, "chest_pain": False, "bleeding": 0, "saddle_numbness": False,
              "bladder_bowel_loss": False}
    return EntryInput(**{**values, **changes})


class DiaryEntryFactory(factory.django.DjangoModelFactory):
    """A diary entry saved as the diary form saves one (rules run, alerts raised)."""

    class Meta:
        model = "diary.DiaryEntry"

    patient = factory.SubFactory(PatientFactory)
    day = None
    data = factory.LazyFunction(entry_input)

    @classmethod
    def _create(cls, model_class, *, patient, day, data):
        from careguide.diary import services

        return services.save_entry(patient, data, day=day)


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    """A plan applied from the catalog's ``template`` (its first template unless named)."""

    class Meta:
        model = "journey.TreatmentPlan"

    patient = factory.SubFactory(PatientFactory)
    actor = None
    template = None
    start = factory.LazyFunction(timezone.localdate)
    parameters = None

    @classmethod
    def _create(cls, model_class, *, patient, actor, template, start, parameters):
        from careguide.journey import catalog, services

        templates = catalog.templates()
        chosen = templates[template] if template else next(iter(templates.values()))
        return services.apply_template(actor, patient, chosen, start, parameters)


class ChecklistProgressFactory(factory.django.DjangoModelFactory):
    """A patient's saved ticks on the procedure checklist ``slug`` (procedures.services)."""

    class Meta:
        model = "procedures.SavedChecklist"

    patient = factory.SubFactory(PatientFactory)
    slug = None
    ticked = ()
    procedure_date = None
    remind = False

    @classmethod
    def _create(cls, model_class, *, patient, slug, ticked, procedure_date, remind):
        from careguide.procedures import checklists, services

        every = checklists.registry()
        checklist = every[slug] if slug else next(iter(every.values()))
        return services.save_progress(patient, checklist, ticked=list(ticked), procedure_date=procedure_date,
                                      remind=remind)


# --- library pages --------------------------------------------------------------------------------

class LibraryPageFactory(wagtail_factories.PageFactory):
    """A published library page under the site's home page unless ``parent`` is given."""

    class Meta:
        model = "library.LibraryPage"

    title = factory.Sequence(lambda n: f"Test page {n}")
    slug = factory.Sequence(lambda n: f"test-page-{n}")
    summary = "A short summary in plain words."

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        from careguide.library.models import HomePage

        page = model_class(*args, **kwargs)
        (parent or HomePage.objects.first()).add_child(instance=page)
        return page
