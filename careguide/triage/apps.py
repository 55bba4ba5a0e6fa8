from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "careguide.triage"
    label = "triage"

    def ready(self):
        from careguide.triage import checks  # noqa: F401 - registers the start-up checks
