from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "careguide.library"
    label = "library"
    verbose_name = "Health library"

    def ready(self):
        from . import signals

        signals.connect()
