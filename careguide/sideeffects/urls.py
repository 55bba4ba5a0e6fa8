from django.urls import path

from .views import check, profile

app_name = "sideeffects"

urlpatterns = [
    path("", check.CheckView.as_view(), name="check"),
    path("result/", check.anonymous_result, name="anonymous_result"),
    path("results/", check.history, name="history"),
    path("results/<int:pk>/", check.result, name="result"),
    path("treatment/", profile.treatment, name="treatment"),
]
