"""The side-effect check's context, from a patient's treatment profile.

``derive_context(profile_data, today)`` is pure (no Django): cancer type and treatments in,
the contract's context booleans out. ``explain`` says why, in plain words, for the page
"what this means for your check". ``triage_context(user)`` reads the signed-in patient's
profile and applies their corrections; the side-effect check and the diary both use it.

Rules (clinical/side-effect-triage.md, "Context"):
- on_sact: any systemic treatment (chemotherapy, targeted therapy, immunotherapy) that is
  ongoing, or whose last dose was at most 8 weeks (56 days) ago. A systemic treatment with
  neither "still having it" nor a last-dose date counts as recent: we cannot rule it out,
  and on_sact only makes the fever rule stricter. One that starts in the future does not.
- immunosuppressed: acute leukaemia (ALL, AML), a stem cell transplant at any date (immune
  recovery takes months to years and donor-cell transplants need lasting medicines; the
  care team, not a date rule, decides when it no longer applies, through a correction), or
  long-term steroids.
- ici: a checkpoint inhibitor at any time (its side effects can start months or years later).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from .models import TreatmentProfile

FLAGS = ("on_sact", "immunosuppressed", "ici")
SYSTEMIC = ("chemotherapy", "targeted", "immunotherapy")
ACUTE_LEUKAEMIA = ("all", "aml")
RECENT_DAYS = 56  # 8 weeks

KIND_WORDS = {
    "chemotherapy": "chemotherapy or another cancer medicine",
    "targeted": "targeted therapy",
    "immunotherapy": "immunotherapy with a checkpoint inhibitor",
}


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _systemic_recent(treatment: Mapping, today: dt.date) -> bool:
    start = _date(treatment.get("start_date"))
    if start is not None and start > today:
        return False
    if treatment.get("ongoing"):
        return True
    last = _date(treatment.get("end_date"))
    if last is None:
        return True
    return (today - last).days <= RECENT_DAYS


def explain(profile_data: Mapping, today: dt.date) -> dict[str, list[str]]:
    """Each flag's reasons in plain words; an empty list means the flag is not set."""
    reasons: dict[str, list[str]] = {flag: [] for flag in FLAGS}
    treatments = list(profile_data.get("treatments") or ())
    for t in treatments:
        kind = t.get("kind")
        if kind in SYSTEMIC and _systemic_recent(t, today):
            words = KIND_WORDS[kind]
            if t.get("ongoing"):
                reasons["on_sact"].append(f"You are having {words}.")
            elif _date(t.get("end_date")) is None:
                reasons["on_sact"].append(f"You had {words} and did not give the date of the last dose.")
            else:
                reasons["on_sact"].append(f"Your last dose of {words} was within the last 8 weeks.")
        if kind == "immunotherapy":
            reasons["ici"].append("You have had immunotherapy with a checkpoint inhibitor. "
                                  "Its side effects can start months or years later.")
        if kind == "transplant":
            reasons["immunosuppressed"].append("You have had a stem cell transplant.")
    if profile_data.get("cancer_type") in ACUTE_LEUKAEMIA:
        reasons["immunosuppressed"].append("You have acute leukemia.")
    if profile_data.get("long_term_steroids"):
        reasons["immunosuppressed"].append("You take steroids for a long time.")
    # One sentence per reason: several treatments of a kind say the same thing once.
    return {flag: list(dict.fromkeys(found)) for flag, found in reasons.items()}


def derive_context(profile_data: Mapping, today: dt.date) -> dict[str, bool]:
    """{"on_sact", "immunosuppressed", "ici"} as the profile implies them on ``today``."""
    return {flag: bool(found) for flag, found in explain(profile_data, today).items()}


def profile_data(profile) -> dict:
    """A TreatmentProfile as the plain data ``derive_context`` reads."""
    return {
        "cancer_type": profile.cancer_type,
        "long_term_steroids": profile.long_term_steroids,
        "treatments": [
            {"kind": t.kind, "start_date": t.start_date, "ongoing": t.ongoing, "end_date": t.end_date}
            for t in profile.treatments.all()
        ],
    }


def current_corrections(profile) -> dict:
    """The newest correction row per flag (rows whose value is None undo a correction)."""
    latest: dict = {}
    for row in profile.corrections.select_related("created_by").order_by("-created_at", "-pk"):
        latest.setdefault(row.flag, row)
    return {flag: row for flag, row in latest.items() if row.value is not None}


def context_for_profile(profile, today: dt.date | None = None) -> dict[str, dict]:
    """Per flag: what the treatments imply, why, the patient's correction and the result."""
    today = today or timezone.localdate()
    why = explain(profile_data(profile), today)
    corrections = current_corrections(profile)
    out = {}
    for flag in FLAGS:
        derived = bool(why[flag])
        correction = corrections.get(flag)
        out[flag] = {
            "derived": derived,
            "why": why[flag],
            "correction": correction,
            "value": correction.value if correction is not None else derived,
        }
    return out


def triage_context(user) -> dict[str, bool]:
    """The signed-in patient's context for the side-effect rules (corrections applied);
    all False for anyone without a profile."""
    empty = dict.fromkeys(FLAGS, False)
    profile = TreatmentProfile.objects.for_user(user).prefetch_related("treatments").first()
    if profile is None:
        return empty
    return {flag: info["value"] for flag, info in context_for_profile(profile).items()}
