from django.apps import AppConfig


class SideeffectsConfig(AppConfig):
    name = "careguide.sideeffects"
    label = "sideeffects"

    def ready(self):
        from careguide.questionnaires import bindings

        from .binding import SideEffectBinding

        bindings.register(SideEffectBinding())
        from careguide.accounts.sections import register_section

        register_section("sideeffects/includes/account_section.html")
