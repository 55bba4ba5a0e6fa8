"""Writes of the side-effect app: the treatment profile, context corrections and completed
checks. Each write and its audit row share one transaction; no health data goes in `detail`."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from careguide.alerts.rules import DISPOSITIONS
from careguide.alerts.services import record_result
from careguide.audit import service as audit
from careguide.triage.deployment import evaluate_side_effects
from careguide.triage.engine import Finding, Result

from .models import ContextCorrection, SideEffectCheck, TreatmentProfile


def evaluate(contract_input: dict) -> Result:
    """The side-effect rules' result for contract input (raises ``InputError`` naming fields)."""
    return evaluate_side_effects(contract_input)


def result_to_data(result: Result) -> dict:
    return {
        "disposition": result.disposition,
        "reasons": list(result.reasons),
        "rule_set_version": result.rule_set_version,
        "explanations": list(result.explanations),
        "findings": [asdict(f) for f in result.findings],
    }


def result_from_data(data: dict) -> Result:
    return Result(
        disposition=data["disposition"],
        reasons=list(data.get("reasons") or ()),
        rule_set_version=data.get("rule_set_version", ""),
        explanations=list(data.get("explanations") or ()),
        findings=tuple(Finding(**f) for f in data.get("findings") or ()),
    )


def check_result(check: SideEffectCheck) -> Result:
    """The result as it was decided when the check was stored."""
    return result_from_data({
        "disposition": check.disposition, "reasons": check.reasons, "rule_set_version": check.rule_set_version,
        "explanations": check.explanations, "findings": check.findings,
    })


# --- Treatment profile ---------------------------------------------------------------------


def profile_for(user) -> TreatmentProfile | None:
    return TreatmentProfile.objects.for_user(user).prefetch_related("treatments").first()


@transaction.atomic
def save_profile(user, form, formsets, corrections: dict[str, bool | None] | None = None) -> TreatmentProfile:
    """Store the profile form, the treatment formsets (already valid) and the patient's changed
    answers about the check's context (``corrections``, as for ``correct_context``) for ``user``:
    everything the page shows lands together, or nothing does."""
    profile, created = TreatmentProfile.objects.select_for_update().get_or_create(patient=user)
    profile.cancer_type = form.cleaned_data["cancer_type"]
    profile.long_term_steroids = form.cleaned_data["long_term_steroids"]
    profile.save()
    for formset in formsets:
        for sub in formset.forms:
            if not sub.has_changed() and sub.instance.pk is None:
                continue
            if formset.can_delete and formset._should_delete_form(sub):
                if sub.instance.pk is not None and sub.instance.profile_id == profile.pk:
                    sub.instance.delete()
                continue
            treatment = sub.save(commit=False)
            treatment.profile = profile
            treatment.kind = formset.kind
            treatment.save()
    audit.record(user, audit.CREATE if created else audit.UPDATE, profile, patient=user)
    if corrections:
        correct_context(user, corrections)
    return profile


@transaction.atomic
def correct_context(user, changes: dict[str, bool | None]) -> list[ContextCorrection]:
    """Record the patient's own word on context flags ({flag: True/False, or None to go back
    to what the treatments show}). A patient without a profile gets an empty one."""
    profile, created = TreatmentProfile.objects.get_or_create(patient=user)
    if created:
        audit.record(user, audit.CREATE, profile, patient=user)
    rows = []
    for flag, value in changes.items():
        correction = ContextCorrection.objects.create(profile=profile, flag=flag, value=value, created_by=user)
        audit.record(user, audit.CREATE, correction, patient=user,
                     detail="context correction" if value is not None else "context correction removed")
        rows.append(correction)
    return rows


# --- Completed checks ------------------------------------------------------------------------


def _record_alert(patient, result: Result, source_url: str, supersedes=None):
    """Hand the result to the care team's alerts (careguide.alerts): the one call site."""
    return record_result(patient, result, source="check", source_url=source_url, actor=patient,
                         supersedes=supersedes)


def _finding_keys(findings) -> set[tuple]:
    return {(f["symptom"], f["level"], f["rule"]) for f in findings}


def _more_urgent(result: Result, check: SideEffectCheck) -> Result:
    """The more urgent of a new result and the one a check already holds: a check never
    becomes less urgent than what the person was told to do."""
    if DISPOSITIONS.index(result.disposition) <= DISPOSITIONS.index(check.disposition):
        return result
    return check_result(check)


def record_check(patient, response, contract_input: dict, result: Result, notes: dict, *,
                 source_url_for, complete: bool = True, earlier: SideEffectCheck | None = None
                 ) -> SideEffectCheck:
    """Store a signed-in patient's check with its result, audit it and tell the alerts
    (``alert_raised`` says whether the check has raised one).

    ``earlier`` is the check stored when the person stopped at an emergency or red answer:
    their further answers complete it, adding findings; the care team gets a new triage event
    only for new findings, and a new alert only when the result became more urgent.
    The caller holds the transaction that stored ``response``, so the response, this row,
    the audit entry and the alert land together or not at all."""
    with transaction.atomic():
        if earlier is None:
            check = SideEffectCheck.objects.create(
                patient=patient,
                response=response,
                contract_input=contract_input,
                disposition=result.disposition,
                reasons=list(result.reasons),
                explanations=list(result.explanations),
                findings=[asdict(f) for f in result.findings],
                notes=notes,
                rule_set_version=result.rule_set_version,
                complete=complete,
            )
            audit.record(patient, audit.CREATE, check, patient=patient)
            event = _record_alert(patient, result, source_url_for(check))
            check.event = event
            check.alert_raised = event.alerts.exists()
            check.save(update_fields=["event", "alert_raised"])
            return check
        check = SideEffectCheck.objects.select_for_update().get(pk=earlier.pk)
        kept = _more_urgent(result, check)
        added = _finding_keys(asdict(f) for f in result.findings) - _finding_keys(check.findings)
        check.contract_input = contract_input
        check.notes = notes
        check.complete = complete
        check.disposition = kept.disposition
        check.reasons = list(kept.reasons)
        check.explanations = list(kept.explanations)
        new_findings = [asdict(f) for f in result.findings]
        check.findings = new_findings + [f for f in check.findings
                                         if (f["symptom"], f["level"], f["rule"]) not in _finding_keys(new_findings)]
        check.rule_set_version = kept.rule_set_version
        if added:
            event = _record_alert(patient, kept, source_url_for(check), supersedes=check.event)
            check.event = event
            check.alert_raised = check.alert_raised or event.alerts.exists()
        check.save()
        audit.record(patient, audit.UPDATE, check, patient=patient,
                     detail="completed after an early result" if complete else "answers added after an early result")
        return check
