from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "careguide.core"
    label = "core"
    verbose_name = "Site and organization"

    def ready(self):
        from . import signals

        signals.connect()
