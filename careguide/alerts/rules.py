"""When a triage result raises an alert, and how an alert may move. Pure Python, no Django.

Both are data so the ADR (docs/adr/0014-care-team-alerts.md), the services and the tests read
the same table.
"""

from __future__ import annotations

# Side-effect dispositions, most urgent first.
DISPOSITIONS = ("emergency", "red", "amber", "green")

# Alert kinds and their urgency rank (0 = most urgent): the queue sorts on the rank.
EMERGENCY = "emergency"
RED = "red"
AMBER_NOT_BETTER = "amber-not-better"
URGENCY = {EMERGENCY: 0, RED: 1, AMBER_NOT_BETTER: 2}

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
KIND_LABELS = {EMERGENCY: "Emergency", RED: "Red", AMBER_NOT_BETTER: "Amber, not better"}


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
