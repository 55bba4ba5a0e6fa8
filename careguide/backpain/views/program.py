"""The six-week program's pages: entry, start, weeks, check-in, progress, pause and resume.

Thin views: patient data only through ``for_user`` querysets, every write through
``careguide.backpain.services``. The check-in form and the chart's geometry live here too,
as small display helpers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from careguide.backpain import gate as backpain_gate
from careguide.backpain import services
from careguide.backpain.content import program as program_content
from careguide.backpain.models import CheckIn, Enrollment
from careguide.backpain.models.program import SCORE_RANGE, WEEKS

PAIN_REQUIRED = "Choose how bad your back pain has been this week, from 0 to 10"
LIMITS_REQUIRED = "Choose how much your back pain has limited your daily activities this week, from 0 to 10"
# Starting needs safety answers from today, not from a visit long ago.
START_GATE_MAX_AGE = timedelta(days=1)


def _latest(user):
    return Enrollment.objects.for_user(user).latest_first().first()


def _calendar(enrollment) -> dict | None:
    """When the current week's check-in opens (schedule.py), for the pages; None when no program
    is running. The next week opens with that check-in."""
    if enrollment is None or not enrollment.is_open:
        return None
    today = timezone.localdate()
    plan = enrollment.schedule(today)
    week = enrollment.current_week
    return {"week": week, "opens": plan.check_in_opens, "open": plan.check_in_open(today), "paused": plan.paused,
            "next_week": week + 1 if week < WEEKS else None}


def _posted_enrollment(request):
    """The open enrollment a form names: the user's own, or 404 (never another person's)."""
    enrollment = get_object_or_404(
        Enrollment.objects.for_user(request.user), pk=request.POST.get("enrollment", "").strip() or None
    )
    if enrollment.status not in Enrollment.OPEN:
        raise Http404("This program has ended.")
    return enrollment


def entry(request):
    """What the program is, for everyone; where you are in it, if you are signed in."""
    enrollment = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.for_user(request.user).select_related("stopped_response").latest_first().first()
    return render(
        request,
        "backpain/entry.html",
        {"program": program_content(), "enrollment": enrollment, "calendar": _calendar(enrollment)},
    )


@require_http_methods(["GET", "POST"])
def start(request):
    """Start the program with a gate response that lets this person start."""
    response_id = request.POST.get("response", "").strip()
    try:
        response_uuid = uuid.UUID(response_id)
    except ValueError:
        response_uuid = None
    if not request.user.is_authenticated:
        # Back to the person's gate result after sign-in, where the start button is.
        after = (
            reverse("backpain:gate_result", args=[response_uuid]) if response_uuid else reverse("backpain:entry")
        )
        return redirect_to_login(after)
    current = Enrollment.objects.for_user(request.user).current()
    if request.method == "GET":
        if current is not None:
            return redirect("backpain:week", week=current.current_week)
        return redirect("backpain:gate")
    gate_response = backpain_gate.passing_response(request.user, response_uuid) if response_uuid else None
    too_old = gate_response is not None and timezone.now() - gate_response.authored > START_GATE_MAX_AGE
    if gate_response is None or too_old:
        return render(request, "backpain/start_refused.html", {"enrollment": current, "too_old": too_old}, status=403)
    enrollment = services.start_enrollment(request.user, gate_response)
    return redirect("backpain:week", week=enrollment.current_week)


@login_required
def week(request, week):
    enrollment = _latest(request.user)
    if enrollment is None or enrollment.status == Enrollment.Status.STOPPED:
        return redirect("backpain:entry")
    if week not in enrollment.unlocked_weeks:
        raise Http404("This week is not open yet.")
    content = program_content()
    return render(
        request,
        "backpain/week.html",
        {
            "program": content,
            "enrollment": enrollment,
            "week": content.week(week),
            "check_in_due": enrollment.is_active and week == enrollment.current_week,
            "calendar": _calendar(enrollment),
            "private": True,
        },
    )


class CheckInForm(forms.Form):
    CHOICES = [(n, str(n)) for n in SCORE_RANGE]

    # An answer outside 0-10 gets the same message as a missing one: choose a number.
    pain = forms.TypedChoiceField(
        choices=CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": PAIN_REQUIRED, "invalid_choice": PAIN_REQUIRED},
    )
    limits = forms.TypedChoiceField(
        choices=CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": LIMITS_REQUIRED, "invalid_choice": LIMITS_REQUIRED},
    )


@dataclass(frozen=True)
class Scale:
    """One 0-10 question as the template draws it."""

    name: str
    legend: str
    hint: str
    low: str
    high: str


SCALES = (
    Scale("pain", "How bad has your back pain been this week?",
          "Think about the past 7 days. Choose one number.", "No pain", "Worst pain you can imagine"),
    Scale("limits", "How much has your back pain limited your daily activities this week?",
          "Daily activities are things like getting dressed, housework, work, shopping and walking.",
          "Not at all", "I can't do my usual activities"),
)


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    enrollment = Enrollment.objects.for_user(request.user).current()
    # The gate is asked again before every check-in (a new warning sign stops the program). A
    # gate answer serves one check-in; sent again, the form lands where the first one did.
    gate_response = backpain_gate.fresh_check_in_gate(request)
    done = CheckIn.objects.for_user(request.user).filter(gate_response=gate_response).select_related(
        "enrollment").first() if gate_response is not None else None
    if request.method == "POST" and done is not None:
        if done.enrollment.status == Enrollment.Status.COMPLETED:
            return redirect("backpain:progress")
        return redirect("backpain:week", week=done.enrollment.current_week)
    if enrollment is None:
        messages.info(request, "You do not have a program running. Start one with the safety check.")
        return redirect("backpain:entry")
    if request.method == "POST" and str(enrollment.pk) != request.POST.get("enrollment", "").strip():
        # Only the person's own running program can be checked in.
        raise Http404("No such program.")
    if enrollment.is_paused:
        return render(request, "backpain/check_in_paused.html", {"enrollment": enrollment, "private": True})
    calendar = _calendar(enrollment)
    if not calendar["open"]:
        # Weeks open by the calendar: this week's check-in is not open yet.
        return render(request, "backpain/check_in_not_yet.html",
                      {"enrollment": enrollment, "calendar": calendar, "private": True},
                      status=409 if request.method == "POST" else 200)
    if gate_response is None or done is not None:
        return redirect(reverse("backpain:gate") + "?for=check-in")
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_check_in(
                enrollment, form.cleaned_data["pain"], form.cleaned_data["limits"], gate_response, request.user
            )
        except services.CheckInNotOpen:  # the calendar moved under an open page (another tab)
            return redirect("backpain:check_in")
        enrollment.refresh_from_db()
        if enrollment.status == Enrollment.Status.COMPLETED:
            messages.success(request, "Thank you. That was your last check-in: you have finished the program.")
            _warn_about_pain(request, check)
            return redirect("backpain:progress")
        messages.success(request, f"Thank you. Your week {check.week} check-in is saved. Week "
                                  f"{enrollment.current_week} is now open.")
        _warn_about_pain(request, check)
        return redirect("backpain:week", week=enrollment.current_week)
    return render(
        request,
        "backpain/check_in.html",
        {"enrollment": enrollment, "form": form, "rows": _scale_rows(form), "private": True},
    )


def _scale_rows(form):
    """Each question with its options and any error, ready for the radio groups."""
    rows = []
    for scale in SCALES:
        bound = form[scale.name]
        selected = str(bound.value()) if form.is_bound and bound.value() not in (None, "") else None
        rows.append({
            "name": scale.name, "legend": scale.legend, "hint": scale.hint, "low": scale.low, "high": scale.high,
            "errors": bound.errors,
            "options": [{"value": n, "checked": str(n) == selected} for n in SCORE_RANGE],
        })
    return rows


def _warn_about_pain(request, check):
    """Pain the rules mark as high or worse deserves a doctor's look, even without a red flag
    (triage/rules/back_pain.yaml, check_in_pain; the care team's alert is raised by the service)."""
    level = services.pain_result(check).disposition
    if level == "high":
        told = " We have told your care team, and they may call you." if backpain_gate.has_care_team(
            request.user) else ""
        messages.warning(request, f"Your back pain was {check.pain} out of 10 this week. That is severe pain. "
                                  f"Call your doctor or care team today.{told}")
    elif level == "worse":
        messages.warning(
            request,
            "Your back pain is worse than before. If it keeps getting worse, talk to your doctor. If you "
            "have had cancer, call your doctor or care team today.",
        )


# --- Progress chart -----------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    week: int
    value: int
    x: float
    y: float

    @property
    def corner_x(self):  # top-left of the 18px square marker
        return round(self.x - 9, 1)

    @property
    def corner_y(self):
        return round(self.y - 9, 1)


class ProgressChart:
    """Geometry for the inline SVG: weeks 1-6 across, scores 0-10 up."""

    WIDTH, HEIGHT = 640, 360
    LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 64

    def __init__(self, check_ins):
        self.check_ins = list(check_ins)
        plot_w = self.WIDTH - self.LEFT - self.RIGHT
        self.plot_h = self.HEIGHT - self.TOP - self.BOTTOM
        self.step = plot_w / (WEEKS - 1)
        self.axis_y = self.TOP + self.plot_h
        self.axis_x_end = self.WIDTH - self.RIGHT

    def x(self, week):
        return round(self.LEFT + (week - 1) * self.step, 1)

    def y(self, value):
        return round(self.TOP + self.plot_h * (10 - value) / 10, 1)

    def _series(self, field):
        return [Point(c.week, getattr(c, field), self.x(c.week), self.y(getattr(c, field))) for c in self.check_ins]

    @property
    def pain(self):
        return self._series("pain")

    @property
    def limits(self):
        return self._series("limits")

    @staticmethod
    def polyline(points):
        return " ".join(f"{p.x},{p.y}" for p in points)

    @property
    def pain_line(self):
        return self.polyline(self.pain)

    @property
    def limits_line(self):
        return self.polyline(self.limits)

    @property
    def x_ticks(self):
        return [(n, self.x(n)) for n in range(1, WEEKS + 1)]

    @property
    def y_ticks(self):
        return [(n, self.y(n)) for n in range(0, 11, 2)]

    @property
    def description(self):
        """The chart in words, for the SVG's <desc> (the table below has every number)."""
        if not self.check_ins:
            return "No check-ins yet."
        first, last = self.check_ins[0], self.check_ins[-1]
        if first is last:
            return (f"One check-in so far. Week {first.week}: pain {first.pain} out of 10, "
                    f"daily activities limited {first.limits} out of 10.")
        return (f"{len(self.check_ins)} weekly check-ins. Pain went from {first.pain} in week {first.week} "
                f"to {last.pain} in week {last.week}. How much pain limited daily activities went from "
                f"{first.limits} to {last.limits}. Scores are out of 10; lower is better.")


@login_required
def progress(request):
    enrollment = _latest(request.user)
    check_ins = []
    if enrollment is not None:
        check_ins = CheckIn.objects.for_user(request.user).filter(enrollment=enrollment).order_by("week")
    chart = ProgressChart(check_ins)
    return render(request, "backpain/progress.html", {"enrollment": enrollment, "chart": chart, "private": True})


# --- Pause and resume ---------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def pause(request):
    """GET asks "are you sure?"; POST pauses the enrollment the form names."""
    if request.method == "GET":
        enrollment = Enrollment.objects.for_user(request.user).current()
        if enrollment is None or not enrollment.is_active:
            return redirect("backpain:entry")
        return render(request, "backpain/pause.html", {"enrollment": enrollment, "private": True})
    enrollment = _posted_enrollment(request)
    if enrollment.is_active:
        services.pause(enrollment, by=request.user)
        messages.success(request, "Your program is paused. Your progress is saved. Resume it whenever you are ready.")
    return redirect("backpain:entry")


@login_required
@require_POST
def resume(request):
    enrollment = _posted_enrollment(request)
    if enrollment.is_paused:
        services.resume(enrollment, by=request.user)
        messages.success(request, f"Welcome back. Your program is running again at week {enrollment.current_week}.")
    return redirect("backpain:week", week=enrollment.current_week)
