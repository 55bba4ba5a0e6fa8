from django.urls import path

from . import live, views

app_name = "questionnaires"
urlpatterns = [
    path("responses/<uuid:response_id>/", views.ResponseDetailView.as_view(), name="response"),
    path("<str:fhir_id>/state/", live.FormStateView.as_view(), name="state"),
    path("<str:fhir_id>/", views.QuestionnaireFillView.as_view(), name="fill"),
]
