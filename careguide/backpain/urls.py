from django.urls import path

from .views import gate, program

app_name = "backpain"
urlpatterns = [
    path("", program.entry, name="entry"),
    # The red-flag gate (views/gate.py)
    path("check/", gate.GateView.as_view(), name="gate"),
    path("check/result/<uuid:response_id>/", gate.result, name="gate_result"),
    path("check/result/<uuid:response_id>/cleared/", gate.cleared, name="cleared"),
    # The six-week program (views/program.py)
    path("start/", program.start, name="start"),
    path("week/<int:week>/", program.week, name="week"),
    path("check-in/", program.check_in, name="check_in"),
    path("progress/", program.progress, name="progress"),
    path("pause/", program.pause, name="pause"),
    path("resume/", program.resume, name="resume"),
]
