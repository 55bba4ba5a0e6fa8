from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "careguide.procedures"
    label = "procedures"
    verbose_name = "Prepare for your procedure"
