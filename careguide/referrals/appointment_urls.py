"""/appointments/: the patient's appointments, the care team's bookings and change requests."""

from django.urls import path

from careguide.referrals.views import appointments, booking

app_name = "appointments"

urlpatterns = [
    path("", appointments.mine, name="mine"),
    path("book/<int:referral_pk>/", booking.book, name="book"),
    path("<int:pk>/calendar.ics", appointments.calendar_file, name="calendar"),
    path("<int:pk>/change/", appointments.change, name="change"),
    path("<int:pk>/cancel/", appointments.cancel, name="cancel"),
    path("<int:pk>/outcome/", appointments.outcome, name="outcome"),
    path("requests/", appointments.requests_list, name="requests"),
    path("requests/<int:pk>/", appointments.handle, name="handle"),
]
