from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "careguide.journey"
    label = "journey"
    verbose_name = "Treatment plans"
