from django.apps import AppConfig


class CareteamConfig(AppConfig):
    name = "careguide.careteam"
    label = "careteam"
