"""FHIR R4 API: one module per interaction (ADR 0004)."""

from django.urls import include, path, re_path

from . import extract, metadata, populate, questionnaire, questionnaire_response, views

app_name = "fhir"
urlpatterns = [
    path("metadata", metadata.metadata, name="metadata"),
    path("Questionnaire", questionnaire.questionnaire_type, name="questionnaire_type"),
    # SDC operations (ADR 0032), before the <str:resource_id> reads that would take "$populate" as an id.
    path("Questionnaire/$populate", populate.populate, name="questionnaire_populate"),
    path("Questionnaire/<str:resource_id>/$populate", populate.populate, name="questionnaire_instance_populate"),
    path("QuestionnaireResponse/$extract", extract.extract, name="questionnaire_response_extract"),
    path("QuestionnaireResponse/<str:resource_id>/$extract", extract.extract,
         name="questionnaire_response_instance_extract"),
    path("Questionnaire/<str:resource_id>", questionnaire.questionnaire_read, name="questionnaire"),
    path("QuestionnaireResponse", questionnaire_response.questionnaire_response_type,
         name="questionnaire_response_type"),
    path("QuestionnaireResponse/<str:resource_id>", questionnaire_response.questionnaire_response_read,
         name="questionnaire_response"),
    # Resources other apps own: each app's fhir_urls.py (its routes and CAPABILITIES).
    *[path("", include(module)) for module in metadata.APP_MODULES],
    path("<str:resource_type>", views.unknown, name="unknown_type"),
    path("<str:resource_type>/<str:resource_id>", views.unknown, name="unknown_instance"),
    # Anything else under /fhir/ (/fhir/, an operation, _history...): a 404 OperationOutcome, not
    # the site's HTML page, and no redirect to a slash-terminated address.
    re_path(r"^.*$", views.unknown_path, name="unknown_path"),
]
