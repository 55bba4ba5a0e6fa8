from django.urls import path

from .views import gate, program, team

app_name = "backpain"
urlpatterns = [
    path("", program.entry, name="entry"),
    # The red-flag gate (views/gate.py)
    path("check/", gate.GateView.as_view(), name="gate"),
    path("check/result/<uuid:response_id>/", gate.result, name="gate_result"),
    path("check/result/<uuid:response_id>/cleared/", gate.cleared, name="cleared"),
    path("check/result/<uuid:response_id>/ask-care-team/", gate.ask_team, name="ask_team"),
    # The care team answers a clearance request (views/team.py)
    path("team/clearance-requests/<int:pk>/", team.clearance_request, name="team_request"),
    # The six-week program (views/program.py)
    path("start/", program.start, name="start"),
    path("week/<int:week>/", program.week, name="week"),
    path("check-in/", program.check_in, name="check_in"),
    path("progress/", program.progress, name="progress"),
    path("pause/", program.pause, name="pause"),
    path("resume/", program.resume, name="resume"),
]
