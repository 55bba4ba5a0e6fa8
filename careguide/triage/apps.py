from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "careguide.triage"
    label = "triage"
