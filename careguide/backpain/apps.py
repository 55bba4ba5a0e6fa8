from django.apps import AppConfig


class BackpainConfig(AppConfig):
    name = "careguide.backpain"
    label = "backpain"
