from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "careguide.audit"
    label = "audit"
    verbose_name = "Audit log"
