from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "careguide.questionnaires"
    label = "questionnaires"

    def ready(self):
        from . import signals  # noqa: F401
