"""When a triage result raises an alert, and how an alert may move. Pure Python, no Django.

Both are data so the ADR (docs/adr/0014-care-team-alerts.md), the services and the tests read
the same table.
"""

from __future__ import annotations

# Side-effect dispositions, most urgent first, and where side-effect results come from.
DISPOSITIONS = ("emergency", "red", "amber", "green")
SIDE_EFFECT_SOURCES = ("check", "diary")

# Alert kinds and their urgency rank (0 = most urgent): the queue sorts on the rank.
EMERGENCY = "emergency"
RED = "red"
AMBER_NOT_BETTER = "amber-not-better"
SAME_DAY = "same-day"  # back pain: a doctor today
HIGH_PAIN = "high-pain"  # back pain: severe pain at a check-in
DOCTOR_REVIEW = "doctor-review"  # back pain: a new warning sign stopped the program
URGENCY = {EMERGENCY: 0, RED: 1, SAME_DAY: 1, AMBER_NOT_BETTER: 2, HIGH_PAIN: 2, DOCTOR_REVIEW: 3}

# The back-pain program (careguide/backpain) for a patient with a care team: each result the
# team must hear about, and the alert it raises. The gate's dispositions come from
# triage/rules/back_pain.yaml; "high_pain" is a check-in's pain score that those rules mark as
# high (check_in_pain.high). "see_doctor_first" reaches the team only from a check-in, where it
# stops the program; before starting, the patient asks the team for clearance instead.
BACK_PAIN_SOURCE = "back-pain"
BACK_PAIN_ALERTS = {
    "emergency": EMERGENCY,
    "urgent": SAME_DAY,
    "high_pain": HIGH_PAIN,
    "see_doctor_first": DOCTOR_REVIEW,
}

# Why an alert was raised, in plain words for the queue and the patient page.
SIDE_EFFECT_REASONS = {
    EMERGENCY: "Side effects that need emergency care",
    RED: "Side effects that need a call to the care line now",
    AMBER_NOT_BETTER: "Side effects that are not getting better (amber twice in a row)",
}
BACK_PAIN_REASONS = {
    "emergency": "Back pain with a warning sign that needs emergency care",
    "urgent": "Back pain with a warning sign that needs a doctor today",
    "high_pain": "Severe back pain this week, from a back pain program check-in",
    "see_doctor_first": "A new warning sign at a back pain program check-in: the program is stopped until a "
                        "doctor checks it",
}

# Alert statuses and the only moves between them. Strictly new -> acknowledged -> resolved:
# someone has to own an alert before closing it, so no alert is closed unseen.
NEW = "new"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
STATUSES = (NEW, ACKNOWLEDGED, RESOLVED)
OPEN_STATUSES = (NEW, ACKNOWLEDGED)
TRANSITIONS = {
    NEW: (ACKNOWLEDGED,),
    ACKNOWLEDGED: (RESOLVED,),
    RESOLVED: (),
}
# Moves that must say what was done.
NOTE_REQUIRED = {RESOLVED}

STATUS_LABELS = {NEW: "New", ACKNOWLEDGED: "Acknowledged", RESOLVED: "Resolved"}
KIND_LABELS = {
    EMERGENCY: "Emergency", RED: "Red", AMBER_NOT_BETTER: "Amber, not better",
    SAME_DAY: "Same day", HIGH_PAIN: "High pain", DOCTOR_REVIEW: "Doctor's review",
}


class TransitionError(ValueError):
    """A status change the state machine does not allow, in words a nurse understands."""


def alert_kind(disposition: str, previous_disposition: str | None) -> str | None:
    """The kind of alert a result raises, or None.

    - emergency or red: always an alert of that kind.
    - amber: an alert when the patient's previous result (from any source) was also amber,
      i.e. not better at the next entry. After a green or no result it is a first amber (self-care
      advice and a call within a day); after red or emergency it is an improvement, and those
      already raised their own alert.
    - green: never.
    """
    if disposition not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {disposition!r}")
    if disposition in (EMERGENCY, RED):
        return disposition
    if disposition == "amber" and previous_disposition == "amber":
        return AMBER_NOT_BETTER
    return None


def more_urgent(disposition: str, than: str) -> bool:
    """Whether ``disposition`` is more urgent than ``than`` (both side-effect dispositions)."""
    return DISPOSITIONS.index(disposition) < DISPOSITIONS.index(than)


def back_pain_alert_kind(outcome: str) -> str | None:
    """The kind of alert a back-pain program result raises, or None ("proceed" and the like)."""
    return BACK_PAIN_ALERTS.get(outcome)


def reason(source: str, disposition: str, kind: str) -> str:
    """Why an alert of ``kind`` was raised by a result (``source``, ``disposition``), in plain words."""
    if source == BACK_PAIN_SOURCE:
        return BACK_PAIN_REASONS.get(disposition, "")
    return SIDE_EFFECT_REASONS.get(kind, "")


def check_transition(current: str, target: str, note: str = "") -> None:
    """Raise TransitionError unless an alert in ``current`` may move to ``target`` with ``note``."""
    if target not in STATUSES:
        raise TransitionError(f"{target!r} is not an alert status.")
    if target not in TRANSITIONS.get(current, ()):
        if current == target:
            raise TransitionError(f"This alert is already {STATUS_LABELS[current].lower()}.")
        if current == RESOLVED:
            raise TransitionError("This alert is already resolved.")
        if current == NEW and target == RESOLVED:
            raise TransitionError("Acknowledge this alert before you resolve it.")
        raise TransitionError(
            f"An alert that is {STATUS_LABELS[current].lower()} cannot become {STATUS_LABELS[target].lower()}."
        )
    if target in NOTE_REQUIRED and not (note or "").strip():
        raise TransitionError("Enter a note saying what was done to resolve the alert.")
