"""The one way to write the audit log: `record(actor, action, obj)`.

Services call it inside the same transaction as the change they audit, so a write and its
audit row land together or not at all.
"""

from .models import AuditEvent

CREATE = "create"
READ = "read"
UPDATE = "update"
DELETE = "delete"


def record(actor, action, obj=None, *, object_type=None, object_id=None, patient=None, detail="",
           system=""):
    """Record that `actor` (a user, or None/anonymous) did `action` to `obj`.

    `system` names a command or setting acting on nobody's behalf (e.g. "setup-demo-accounts"),
    so the log does not call it "anonymous".
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id if object_id is not None else obj.pk
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else (f"system: {system}" if system else "anonymous"),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        patient=patient,
        detail=detail[:200],
    )


def record_reads(actor, patients, *, object_type, detail=""):
    """One READ row per patient shown, in a single insert: for lists (e.g. the care team's queue)
    that show many patients at once, where one ``record`` call per patient would cost a query each."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user else "anonymous"
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=user, actor_label=label, action=READ, object_type=object_type,
                   object_id="", patient=patient, detail=detail[:200])
        for patient in patients
    )
