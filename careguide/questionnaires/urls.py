from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("responses/<uuid:response_id>/", views.ResponseDetailView.as_view(), name="response"),
    path("<str:fhir_id>/", views.QuestionnaireFillView.as_view(), name="fill"),
]
