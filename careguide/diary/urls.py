from django.urls import path

from . import views

app_name = "diary"

urlpatterns = [
    path("", views.home, name="home"),
    path("symptoms/", views.choose_symptoms, name="symptoms"),
    path("today/", views.today, name="today"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("trends/", views.trends_page, name="trends"),
    path("export.csv", views.export_csv, name="export"),
    path("summary.pdf", views.summary_pdf, name="summary"),
    # A care-team member looking at a patient of their team (404 for anyone else).
    path("patients/<int:patient_id>/", views.trends_page, name="patient_trends"),
    path("patients/<int:patient_id>/export.csv", views.export_csv, name="patient_export"),
    path("patients/<int:patient_id>/summary.pdf", views.summary_pdf, name="patient_summary"),
]
