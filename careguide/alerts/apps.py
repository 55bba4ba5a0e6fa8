from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "careguide.alerts"
    label = "alerts"
