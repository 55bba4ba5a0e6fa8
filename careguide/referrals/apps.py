from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "careguide.referrals"
    label = "referrals"
    verbose_name = "Referrals and appointments"

    def ready(self):
        from careguide.accounts.sections import register_section

        # One section for the whole care journey (referral, appointments, plan, checklists).
        register_section("referrals/includes/account_section.html")
