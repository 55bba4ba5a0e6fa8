"""Every write to the symptom diary: the tracked symptoms and the daily entries.

Each write runs in one transaction with its audit rows; a diary entry's side-effect result is
handed to the alerts app (``record_result``) inside the same transaction, so an entry that is
saved has always raised the alert it calls for, and one that fails raises none.
Audit details name objects, never health data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from careguide.accounts import once
from careguide.alerts.services import record_result
from careguide.audit import service as audit
from careguide.sideeffects import profile
from careguide.triage.deployment import evaluate_side_effects

from . import crosswalk, proctcae, wording
from .models import DiaryEntry, SymptomAnswer, TrackedSymptom


@dataclass(frozen=True)
class SymptomInput:
    """The answers for one tracked term (None = not asked or skipped)."""

    frequency: int | None = None
    severity: int | None = None
    interference: int | None = None  # hair loss: its amount
    present: bool | None = None


@dataclass(frozen=True)
class EntryInput:
    """One day's answers, as the entry form checked them."""

    symptoms: dict[str, SymptomInput]
    temperature_unit: str  # "C", "F" or "not_checked"
    temperature_entered: Decimal | None
    generally_unwell: bool
    chest_pain: bool
    bleeding: int
    saddle_numbness: bool
    bladder_bowel_loss: bool
    asked: dict[str, Any] = field(default_factory=dict)
    antidiarrhoeal_failed: bool = False

    @property
    def temperature_c(self) -> Decimal | None:
        if self.temperature_entered is None or self.temperature_unit == DiaryEntry.Temperature.NOT_CHECKED:
            return None
        if self.temperature_unit == DiaryEntry.Temperature.FAHRENHEIT:
            return ((self.temperature_entered - 32) * 5 / 9).quantize(Decimal("0.1"))
        return self.temperature_entered


def tracked_terms(patient) -> list[str]:
    return list(TrackedSymptom.objects.for_user(patient).values_list("term", flat=True))


@transaction.atomic
def set_tracked(patient, terms: list[str]) -> list[str]:
    """Replace the patient's tracked symptoms with ``terms`` (in that order)."""
    unknown = [t for t in terms if t not in wording.TRACKABLE]
    if unknown:
        raise ValueError(f"not a symptom the diary can track: {unknown[0]}")
    TrackedSymptom.objects.filter(patient=patient).delete()
    TrackedSymptom.objects.bulk_create(
        TrackedSymptom(patient=patient, term=term, position=i) for i, term in enumerate(dict.fromkeys(terms))
    )
    audit.record(
        patient, audit.UPDATE, object_type="diary.trackedsymptom", object_id=patient.pk, patient=patient,
        detail="tracked symptoms changed",
    )
    return list(dict.fromkeys(terms))


def grade(term: str, answers: SymptomInput) -> int | None:
    """The composite grade of one symptom's answers; None for yes/no terms."""
    if not proctcae.term(term).gradable:
        return None
    return proctcae.composite_grade(term, answers.frequency, answers.severity, answers.interference)


def triage_input(patient, data: EntryInput) -> tuple[dict, dict[str, int | None]]:
    """The contract input for ``data`` and the composite grade of each symptom."""
    grades = {term: grade(term, answers) for term, answers in data.symptoms.items()}
    answers = crosswalk.DiaryAnswers(
        grades={t: g for t, g in grades.items() if g is not None},
        present={t: bool(a.present) for t, a in data.symptoms.items() if a.present is not None},
        asked=data.asked,
        safety={
            "temperature_c": float(data.temperature_c) if data.temperature_c is not None else None,
            "generally_unwell": data.generally_unwell,
            "chest_pain": data.chest_pain,
            "bleeding": data.bleeding,
            "saddle_numbness": data.saddle_numbness,
            "bladder_bowel_loss": data.bladder_bowel_loss,
        },
        antidiarrhoeal_failed=data.antidiarrhoeal_failed,
    )
    # The one place the diary reads the treatment context (on_sact, immunosuppressed, ici).
    return crosswalk.to_contract(answers, profile.triage_context(patient)), grades


def save_entry(patient, data: EntryInput, *, day=None, submission_key: str = "") -> DiaryEntry:
    """Store today's entry (a new version if there is one already), run the side-effect rules
    on it and hand the result to the alerts app, all in one transaction.

    ``submission_key`` is the one-time key of the form the answers came from: when an entry of
    this patient already has it, the form was sent twice (a double click, back and resend), and
    that entry is returned as it is: no second version, no second alert.

    Raises ``careguide.triage.engine.InputError`` if the rules cannot evaluate the answers (the
    form checks them first, so this means a bug, and nothing is stored).
    """
    day = day or timezone.localdate()
    raw, grades = triage_input(patient, data)
    result = evaluate_side_effects(raw)
    try:
        return _store_entry(patient, data, day, raw, grades, result, submission_key)
    except IntegrityError:
        # Only the one-time key's constraint can refuse here (saves of a patient are serialised
        # below): a twin request stored the same form a moment ago.
        already = _sent_before(patient, submission_key)
        if already is None:
            raise
        return already


def _sent_before(patient, submission_key: str) -> DiaryEntry | None:
    return once.made_with(patient, submission_key, DiaryEntry)


def _store_entry(patient, data, day, raw, grades, result, submission_key) -> DiaryEntry:
    with transaction.atomic():
        # Serialise a patient's saves, so two at once cannot both become version 1 of the day,
        # and the second of a form sent twice finds the first.
        list(get_user_model().objects.select_for_update().filter(pk=patient.pk).values_list("pk", flat=True))
        already = _sent_before(patient, submission_key)
        if already is not None:
            return already
        same_day = DiaryEntry.objects.filter(patient=patient, date=day)
        last_version = same_day.aggregate(v=Max("version"))["v"] or 0
        for previous in same_day.filter(superseded=False):
            previous.superseded = True
            previous.save(update_fields=["superseded"])
            audit.record(patient, audit.UPDATE, previous, patient=patient, detail="superseded by a correction")
        entry = DiaryEntry.objects.create(
            patient=patient,
            date=day,
            version=last_version + 1,
            created_by=patient,
            temperature_unit=data.temperature_unit,
            temperature_entered=data.temperature_entered,
            temperature_c=data.temperature_c,
            generally_unwell=data.generally_unwell,
            chest_pain=data.chest_pain,
            bleeding=data.bleeding,
            saddle_numbness=data.saddle_numbness,
            bladder_bowel_loss=data.bladder_bowel_loss,
            asked=dict(data.asked),
            antidiarrhoeal_failed=data.antidiarrhoeal_failed,
            contract_input=raw,
            disposition=result.disposition,
            reasons=list(result.reasons),
            explanations=list(result.explanations),
            findings=[
                {"symptom": f.symptom, "level": f.level, "rule": f.rule, "why": f.why}
                for f in getattr(result, "findings", ()) or ()
            ],
            rule_set_version=result.rule_set_version,
            crosswalk_version=crosswalk.crosswalk().version,
        )
        once.remember(patient, submission_key, entry)
        SymptomAnswer.objects.bulk_create(
            SymptomAnswer(
                entry=entry, term=term, frequency=a.frequency, severity=a.severity,
                interference=a.interference, present=a.present, composite_grade=grades[term],
            )
            for term, a in data.symptoms.items()
        )
        audit.record(
            patient, audit.CREATE, entry, patient=patient,
            detail="diary entry" if entry.version == 1 else f"diary entry, version {entry.version}",
        )
        record_result(
            patient, result, source="diary",
            source_url=reverse("diary:entry", args=[entry.pk]), actor=patient,
        )
    return entry
