from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("alerts/<int:pk>/", views.alert_detail, name="detail"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("patients/<int:patient_id>/", views.patient, name="patient"),
]
