from django.urls import path

from careguide.triage import api

app_name = "triage_api"

urlpatterns = [
    path("side-effects", api.side_effects, name="side_effects"),
    path("back-pain", api.back_pain, name="back_pain"),
]
