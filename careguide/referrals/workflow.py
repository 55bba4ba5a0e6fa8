"""The referral state machine: which status may follow which, and the one function that moves
a referral.

    draft -> sent -> accepted -> scheduled -> completed
    draft, sent, accepted, scheduled -> cancelled (with a reason)
    sent -> rejected (with a reason)
    scheduled -> accepted (its appointment was cancelled; a new slot is needed)

The transitions are data, so the admin, the pages and the tests read the same table.
"""

from __future__ import annotations

from django.db import transaction

from careguide.accounts.names import display_name
from careguide.audit import service as audit

from .models import Referral, ReferralStatus

S = Referral.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.COMPLETED, S.ACCEPTED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
# A move to these needs a reason the other side can read.
NEEDS_REASON = frozenset({S.REJECTED, S.CANCELLED})
OPEN_STATUSES = frozenset({S.DRAFT, S.SENT, S.ACCEPTED, S.SCHEDULED})


class TransitionError(ValueError):
    """A move the state machine does not allow, or one without its reason.

    ``field`` names the form field to show the message on ("status" or "reason")."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__(message)
        self.field = field


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())



@transaction.atomic
def start(referral: Referral, *, actor) -> Referral:
    """Save a new referral with its first status row (draft)."""
    referral.status = S.DRAFT
    referral.save()
    ReferralStatus.objects.create(referral=referral, status=S.DRAFT, by=actor, by_label=display_name(actor))
    audit.record(actor, audit.CREATE, referral, patient=referral.patient, detail="referral draft")
    return referral


@transaction.atomic
def move(referral: Referral, target: str, *, actor, reason: str = "", system: str = "") -> Referral:
    """Move ``referral`` to ``target``: lock it, check the transition, write the status row,
    update the copy on the referral and audit, all in one transaction.

    Raises TransitionError when the move is not allowed from the current status (someone
    else may have moved it first: the row is re-read under the lock) or a reason is missing.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = (reason or "").strip()
    if not allowed(locked.status, target):
        raise TransitionError(
            f"This referral is {locked.get_status_display().lower()}; it cannot be moved to "
            f"{S(target).label.lower()}."
        )
    if target in NEEDS_REASON and not reason:
        raise TransitionError(f"Give a reason: the referral is {S(target).label.lower()}.", field="reason")
    ReferralStatus.objects.create(referral=locked, status=target, by=actor, by_label=display_name(actor), reason=reason)
    locked.status = target
    locked.save(update_fields=["status"])
    # The reason is clinical free text: it stays in the status row, never in the audit log.
    audit.record(actor, audit.UPDATE, locked, patient=locked.patient, detail=f"referral {target}", system=system)
    referral.status = locked.status
    return locked
