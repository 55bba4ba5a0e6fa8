from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "careguide.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
