from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "careguide.diary"
    label = "diary"
    verbose_name = "Symptom diary"

    def ready(self):
        from careguide.accounts.sections import register_section

        register_section("diary/includes/account_section.html")
