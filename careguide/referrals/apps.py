from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "careguide.referrals"
    label = "referrals"
    verbose_name = "Referrals and appointments"
