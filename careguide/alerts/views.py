"""The care team's pages: the alert queue, an alert with its history and actions, a patient's
recent results.

Thin views: every query goes through ``careguide.careteam.scoping.scope`` (an id outside the
user's teams gives 404), every write through ``careguide.alerts.services``, and every read of a
patient's data is audited with the patient named.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.backpain import presenters as back_pain
from careguide.careteam import access, scoping
from careguide.core.http import call_or_conflict
from careguide.core.http import private as _private
from careguide.procedures import services as procedures

from . import rules, services
from .models import Alert, AlertStatus, TriageEvent

NOTE_REQUIRED = "Enter a note saying what was done to resolve the alert"
FILTERS = {"open": "Open alerts", "resolved": "Resolved alerts"}
RECENT = 20
QUEUE_LIMIT = 200


care_team_only = access.care_team_only(
    lambda request: _private(render(request, "alerts/forbidden.html", status=403)))


def _audit_reads(user, patients, object_type, detail):
    audit.record_reads(user, patients, object_type=object_type, detail=detail)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        help_text="For example: called the patient, advised to come in today.",
        widget=forms.Textarea(attrs={"rows": 4, "class": "field__input"}),
        max_length=2000,
        error_messages={"required": NOTE_REQUIRED},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(NOTE_REQUIRED)
        return note


def scope_alerts(user):
    return scoping.scope(Alert.objects.all(), user)


def _alerts_for(user):
    return scope_alerts(user).select_related("patient", "event")


@require_GET
@care_team_only
def queue(request):
    """Open alerts, most urgent then oldest first; or resolved ones, latest first."""
    show = request.GET.get("show", "open")
    if show not in FILTERS:
        show = "open"
    alerts = _alerts_for(request.user)
    if show == "resolved":
        alerts = alerts.filter(status=rules.RESOLVED).order_by("-created_at", "-pk")
    else:
        # New before acknowledged at the same urgency would hide an old acknowledged emergency
        # below a new red; urgency and age come first, as the issue asks.
        alerts = alerts.filter(status__in=rules.OPEN_STATUSES).order_by(
            "urgency", "created_at", "pk"
        )
    alerts = list(alerts[: QUEUE_LIMIT + 1])
    truncated = len(alerts) > QUEUE_LIMIT
    alerts = alerts[:QUEUE_LIMIT]
    patients = {alert.patient_id: alert.patient for alert in alerts}
    _audit_reads(request.user, patients.values(), "alerts.alert", f"alert queue ({show})")
    requests = back_pain.open_requests(request.user) if show == "open" else []
    _audit_reads(request.user, {r.patient_id: r.patient for r in requests}.values(),
                 "backpain.clearancerequest", "care team queue: back-pain clearance requests")
    return _private(render(request, "alerts/queue.html", {
        "alerts": alerts, "show": show, "show_label": FILTERS[show], "filters": FILTERS,
        "truncated": truncated, "limit": QUEUE_LIMIT, "clearance_requests": requests,
    }))


def _alert_or_404(request, pk):
    return get_object_or_404(_alerts_for(request.user).select_related("previous_event"), pk=pk)


LEVEL_LABELS = dict(TriageEvent.Disposition.choices)


def finding_rows(event) -> list[dict]:
    """The event's findings for a table: symptom ids ("chest_pain") as words, levels as words."""
    return [
        {
            "label": str(f.get("symptom", "")).replace("_", " ").capitalize(),
            "level_label": LEVEL_LABELS.get(f.get("level"), str(f.get("level", "")).capitalize()),
            "why": f.get("why", ""),
        }
        for f in event.findings or []
        if isinstance(f, dict)
    ]


def _detail(request, alert, *, form=None, error="", status=200):
    history = list(AlertStatus.objects.filter(alert=alert).order_by("at", "pk"))
    audit.record(request.user, audit.READ, alert, patient=alert.patient, detail="alert detail")
    return _private(render(request, "alerts/alert_detail.html", {
        "alert": alert,
        "event": alert.event,
        "previous": alert.previous_event,
        "findings": finding_rows(alert.event),
        "history": history,
        "patient_label": display_name(alert.patient),
        "form": form or ResolveForm(),
        "state_error": error,
        "can_acknowledge": alert.status == rules.NEW,
        "can_resolve": alert.status == rules.ACKNOWLEDGED,
    }, status=status))


def _call(request, pk, action, **kept):
    """Call the service ``action()``. None when it went through; otherwise the page to answer with:
    403 when this user may not act on the alert, or the alert's page again, read afresh and keeping
    what was typed, with the reason (409) when someone else moved it first."""
    def again(**shown):
        return _detail(request, _alert_or_404(request, pk), **kept, **shown)

    try:
        return call_or_conflict(action, errors=services.AlertStateError, page=again)
    except PermissionDenied:
        return _private(render(request, "alerts/forbidden.html", status=403))


@require_GET
@care_team_only
def alert_detail(request, pk):
    return _detail(request, _alert_or_404(request, pk))


@require_POST
@care_team_only
def acknowledge(request, pk):
    alert = _alert_or_404(request, pk)
    if refused := _call(request, pk, lambda: services.acknowledge(alert, request.user)):
        return refused
    messages.success(request, "You acknowledged this alert. Resolve it when it has been dealt with.")
    return redirect("alerts:detail", pk=alert.pk)


@require_POST
@care_team_only
def resolve(request, pk):
    alert = _alert_or_404(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert, form=form, status=400)
    note = form.cleaned_data["note"]
    if refused := _call(request, pk, lambda: services.resolve(alert, request.user, note), form=form):
        return refused
    messages.success(request, "You resolved this alert.")
    return redirect("alerts:detail", pk=alert.pk)


@require_GET
@care_team_only
def patient(request, patient_id):
    """A patient's recent results, alerts and procedure checklists, for the team looking after them."""
    person = get_object_or_404(scoping.patients_visible_to(request.user), pk=patient_id)
    events = list(
        scoping.scope(TriageEvent.objects.filter(patient=person), request.user).order_by("-at", "-pk")[:RECENT]
    )
    alerts = list(
        scope_alerts(request.user).filter(patient=person)
        .annotate(closed=Case(When(status=rules.RESOLVED, then=Value(1)), default=Value(0),
                              output_field=IntegerField()))
        .select_related("event").order_by("closed", "urgency", "created_at")[:RECENT]
    )
    audit.record(
        request.user, audit.READ, object_type=get_user_model()._meta.label_lower, object_id=person.pk,
        patient=person, detail="care team patient page",
    )
    return _private(render(request, "alerts/patient.html", {
        "person": person, "patient_label": display_name(person), "events": events, "alerts": alerts,
        "checklists": procedures.progress_for_team(person),
        "back_pain": back_pain.for_patient(person, request.user),
    }))
