from django.urls import path

from . import views

app_name = "journey"

urlpatterns = [
    path("", views.my_timeline, name="timeline"),
    path("calendar.ics", views.my_calendar, name="calendar"),
    # Care-team staff: a patient of their team (404 for anyone else).
    path("patients/<int:patient_id>/", views.patient_timeline, name="patient"),
    path("patients/<int:patient_id>/new/", views.apply_template, name="apply"),
    path("plans/<int:plan_id>/end/", views.end_plan, name="end_plan"),
    path("plans/<int:plan_id>/phases/add/", views.add_phase, name="add_phase"),
    path("plans/<int:plan_id>/phases/<int:phase_id>/", views.edit_phase, name="edit_phase"),
    path("plans/<int:plan_id>/phases/<int:phase_id>/remove/", views.remove_phase, name="remove_phase"),
]
