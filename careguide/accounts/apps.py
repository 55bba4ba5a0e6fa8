from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "careguide.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start

        # Every sign-in (either sign-in page, registration, force_login) starts the session clock.
        user_logged_in.connect(start, dispatch_uid="careguide-session-limits")
