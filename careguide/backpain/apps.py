from django.apps import AppConfig


class BackpainConfig(AppConfig):
    name = "careguide.backpain"
    label = "backpain"

    def ready(self):
        from careguide.questionnaires import bindings

        from .binding import GateBinding

        bindings.register(GateBinding())
