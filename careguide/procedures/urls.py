from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/pdf", views.checklist_pdf, name="pdf"),
    path("<slug:slug>/tick", views.tick, name="tick"),
]
