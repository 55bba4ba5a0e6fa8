from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "careguide.fhir"
    label = "fhir"
