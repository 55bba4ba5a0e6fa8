"""Triage results and alerts as the services record them, for the care team's queue."""

from datetime import timedelta

from django.utils import timezone

from careguide.alerts import services
from careguide.alerts.models import Alert
from careguide.triage.engine import Finding, Result


def result(disposition, why="Your temperature is high while on chemotherapy."):
    return Result(
        disposition=disposition, reasons=[f"rule-{disposition}"], rule_set_version="2025.1-test",
        explanations=[why],
        findings=(Finding(symptom="chest_pain", level=disposition, rule=f"rule-{disposition}", why=why),),
    )


def raise_alert(patient, disposition="red", *, age=timedelta(0), source="check"):
    event = services.record_result(
        patient, result(disposition), source=source, source_url=f"/side-effect-check/result/{disposition}/",
        actor=patient,
    )
    alert = Alert.objects.get(event=event)
    if age:
        # Move it back in time, as if raised earlier (rows are write-once, so at the table level).
        Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - age)
    return Alert.objects.get(pk=alert.pk)
