"""Every write to triage events and alerts: record a result, acknowledge, resolve.

Each write lands in one transaction with its audit rows (and, for a status change, its
immutable status row). The care team hears of a new alert only after that transaction commits,
so a rolled-back write sends nothing, and a failing mail server never loses the alert.
Audit details and log lines name objects, never health data.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from careguide.audit import service as audit
from careguide.careteam import scoping

from . import rules
from .models import Alert, AlertStatus, TriageEvent
from .notify import get_notifier

logger = logging.getLogger(__name__)

SOURCES = set(rules.SIDE_EFFECT_SOURCES)


class AlertStateError(rules.TransitionError):
    """A status change that cannot happen now, with a message fit for the page."""


def _findings(result) -> list[dict]:
    return [
        {"symptom": f.symptom, "level": f.level, "rule": f.rule, "why": f.why}
        for f in getattr(result, "findings", ()) or ()
    ]


@transaction.atomic
def record_result(patient, result, *, source, source_url="", actor=None, supersedes=None) -> TriageEvent:
    """Store a patient's side-effect ``result`` and raise the alert it calls for, if any.

    Call it inside the transaction that stores the check or diary entry, for every result of a
    signed-in patient (green ones too: the next amber is judged against them). ``actor`` is who
    submitted it, normally the patient. ``supersedes`` is an earlier event of the same check
    (the person stopped at an emergency or red answer, then answered the rest): its alert
    stands, so a new one is raised only when this result is more urgent.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {sorted(SOURCES)}, not {source!r}")
    if result.disposition not in rules.DISPOSITIONS:
        raise ValueError(f"unknown disposition {result.disposition!r}")
    if patient is None or not getattr(patient, "pk", None):
        raise ValueError("a triage event needs a saved patient")
    if source_url and not source_url.startswith(("/", "https://", "http://")):
        # Shown to staff as a link, so never a javascript: or data: URL.
        raise ValueError("source_url must be a path on this site or an http(s) address")
    # Serialise results of the same patient, so two at once cannot both miss each other's amber.
    # get_user_model(), not type(patient): request.user is a lazy wrapper around the user.
    list(get_user_model().objects.select_for_update().filter(pk=patient.pk).values_list("pk", flat=True))
    # "Not better" compares side-effect results only; a back-pain alert in between changes nothing.
    previous = (TriageEvent.objects.filter(patient=patient, source__in=rules.SIDE_EFFECT_SOURCES)
                .order_by("-at", "-pk").first())
    event = TriageEvent.objects.create(
        patient=patient,
        source=source,
        source_url=source_url[:300],
        disposition=result.disposition,
        reasons=list(result.reasons),
        explanations=list(result.explanations),
        findings=_findings(result),
        rule_set_version=result.rule_set_version,
    )
    audit.record(actor, audit.CREATE, event, patient=patient, detail=f"triage event from {source}")
    kind = rules.alert_kind(result.disposition, previous.disposition if previous else None)
    if supersedes is not None and not rules.more_urgent(result.disposition, supersedes.disposition):
        kind = None
    if kind is not None:
        _raise_alert(patient, event, kind, previous if kind == rules.AMBER_NOT_BETTER else None, actor)
    return event


@transaction.atomic
def record_back_pain(patient, outcome: str, result, *, findings=(), source_url="", actor=None) -> Alert | None:
    """Raise the care team's alert for a back-pain program result that calls for one
    (``rules.BACK_PAIN_ALERTS``: a red flag from the gate, or a high pain score at a check-in).

    Only for a patient with a care team; for anyone else, or an outcome that raises nothing,
    nothing is stored and None is returned. ``result`` is the rules' ``Result`` (its reasons and
    sentences go with the alert); ``findings`` are {"symptom", "level", "rule", "why"} rows.
    Call it inside the transaction of the program's own write; the team is told after commit.
    """
    kind = rules.back_pain_alert_kind(outcome)
    if kind is None or patient is None or not scoping.teams_for_patient(patient).exists():
        return None
    if source_url and not source_url.startswith("/"):
        raise ValueError("source_url must be a path on this site")
    event = TriageEvent.objects.create(
        patient=patient, source=rules.BACK_PAIN_SOURCE, source_url=source_url[:300], disposition=outcome,
        reasons=list(result.reasons), explanations=list(result.explanations), findings=list(findings),
        rule_set_version=result.rule_set_version,
    )
    audit.record(actor, audit.CREATE, event, patient=patient, detail=f"triage event from {rules.BACK_PAIN_SOURCE}")
    return _raise_alert(patient, event, kind, None, actor)


def _raise_alert(patient, event, kind, previous, actor) -> Alert:
    # Always a new alert, even with one of the same kind still open: every result that needs a
    # look is kept and shown; the patient page groups them.
    alert = Alert.objects.create(
        patient=patient, event=event, previous_event=previous, kind=kind,
        urgency=rules.URGENCY[kind], created_at=event.at, status=rules.NEW,
    )
    AlertStatus.objects.create(alert=alert, status=rules.NEW, at=event.at)
    audit.record(actor, audit.CREATE, alert, patient=patient, detail="alert raised")
    alert_id = alert.pk
    transaction.on_commit(lambda: notify_team(alert_id))
    return alert


def notify_team(alert_id: int) -> None:
    """Tell the patient's care team. Runs after commit; a failure is logged, never raised,
    because the alert itself is already safely stored and in the queue."""
    alert = Alert.objects.select_related("patient").filter(pk=alert_id).first()
    if alert is None:
        return
    recipients = list(scoping.team_members_for_patient(alert.patient))
    if not recipients:
        logger.warning("Alert %s: the patient is in no care team, so nobody was notified.", alert_id)
        return
    try:
        get_notifier().alert_raised(alert, recipients)
    except Exception as exc:  # noqa: BLE001 - any notifier failure must leave the alert in place
        logger.error("Alert %s: notifying the care team failed (%s).", alert_id, type(exc).__name__)


def _check_actor(alert, user) -> None:
    """Only a member of one of the patient's care teams may act on the alert, never the patient."""
    if (
        not scoping.is_care_team(user)
        or user.pk == alert.patient_id
        or not scoping.can_see_patient(user, alert.patient_id)
    ):
        raise PermissionDenied("Only the patient's care team can change this alert.")


def _latest_status(alert) -> AlertStatus | None:
    return AlertStatus.objects.filter(alert=alert).order_by("-at", "-pk").first()


def _conflict_message(alert, target) -> str | None:
    """Name who got there first when two people act at once."""
    latest = _latest_status(alert)
    if latest is None or latest.status == rules.NEW:
        return None
    if latest.status != target and latest.status != rules.RESOLVED:
        return None
    local = timezone.localtime(latest.at)
    verb = rules.STATUS_LABELS[latest.status].lower()
    who = latest.by_label or "someone else"
    return f"This alert was already {verb} by {who} at {local:%H:%M} on {local:%b} {local.day}."


@transaction.atomic
def _move(alert, user, target, note="") -> Alert:
    _check_actor(alert, user)
    # Re-read under a row lock (PostgreSQL): of two nurses acting at once, the second waits,
    # then sees the first one's status and is told so.
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    latest = _latest_status(locked)
    if (latest is not None and latest.status == target and latest.by_id == user.pk
            and latest.note == note.strip()):
        return locked  # the same step by the same person sent twice (a double click)
    try:
        rules.check_transition(locked.status, target, note)
    except rules.TransitionError as exc:
        raise AlertStateError(_conflict_message(locked, target) or str(exc)) from exc
    # Conditional update: also refuses when the lock is a no-op (SQLite) and the row moved.
    if not Alert.objects.filter(pk=locked.pk, status=locked.status).update(status=target):
        raise AlertStateError(_conflict_message(locked, target) or "This alert was changed by someone else.")
    AlertStatus.objects.create(alert=locked, status=target, by=user, by_label=user.get_username(), note=note.strip())
    audit.record(user, audit.UPDATE, locked, patient=locked.patient, detail=f"alert {target}")
    return Alert.objects.get(pk=locked.pk)


def acknowledge(alert, user) -> Alert:
    """``user`` takes the alert on: new -> acknowledged."""
    return _move(alert, user, rules.ACKNOWLEDGED)


def resolve(alert, user, note) -> Alert:
    """``user`` closes the alert, saying what was done: acknowledged -> resolved."""
    return _move(alert, user, rules.RESOLVED, note or "")
