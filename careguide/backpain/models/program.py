"""A person's place in the six-week program, its status history and weekly check-ins.

Patient data: views reach it only through ``for_user`` querysets, and writes go through
``careguide.backpain.services`` (audit entry and status row in the same transaction).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from careguide.backpain import schedule as calendar
from careguide.core.models import OwnRowsQuerySet

WEEKS = 6
SCORE_RANGE = range(0, 11)


class EnrollmentQuerySet(OwnRowsQuerySet):
    owner = "user"

    def current(self):
        """The active or paused enrollment (there is at most one per user)."""
        return self.filter(status__in=Enrollment.OPEN).order_by("-started_at", "-pk").first()

    def latest_first(self):
        return self.order_by("-started_at", "-pk")


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped"
        COMPLETED = "completed", "Completed"

    OPEN = (Status.ACTIVE, Status.PAUSED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpain_enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(default=timezone.now)
    current_week = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(WEEKS)]
    )
    # The gate answers that let the person start.
    gate_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When stopped by the gate: the disposition name (e.g. "emergency") and the answers.
    outcome = models.CharField(max_length=32, blank=True)
    stopped_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status__in=["active", "paused"]), name="backpain_one_open_enrollment"
            ),
            models.CheckConstraint(
                condition=Q(current_week__gte=1, current_week__lte=WEEKS), name="backpain_current_week_1_to_6"
            ),
        ]

    def __str__(self):
        return f"Back-pain program {self.pk} ({self.status}, week {self.current_week})"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_paused(self):
        return self.status == self.Status.PAUSED

    @property
    def is_open(self):
        return self.status in self.OPEN

    def schedule(self, today=None) -> calendar.Schedule:
        """When this week's check-in opens (schedule.py), from the status rows."""
        today = today or timezone.localdate()
        events = [(calendar.STARTED, timezone.localdate(self.started_at))]
        events += [(e.kind, timezone.localdate(e.at)) for e in self.events.order_by("at", "pk")]
        return calendar.schedule(events, today)

    @property
    def unlocked_weeks(self) -> range:
        """Weeks the person may read: up to the current one (all of them once completed)."""
        last = WEEKS if self.status == self.Status.COMPLETED else self.current_week
        return range(1, last + 1)


class EnrollmentEvent(models.Model):
    """One status change, never edited or deleted. `detail` holds no health data beyond
    the gate's disposition name or the week number."""

    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        WEEK_COMPLETED = "week_completed", "Week completed"
        COMPLETED = "completed", "Completed"
        STOPPED_RED_FLAG = "stopped_red_flag", "Stopped: warning sign"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Status rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Status rows are immutable.")


class CheckInQuerySet(OwnRowsQuerySet):
    owner = "enrollment__user"


class CheckIn(models.Model):
    """The end-of-week check-in. Both scores run 0 to 10."""

    LIMITS_HELP = (
        "How much back pain limits your daily activities: 0 = not at all, 10 = I can't do my usual activities."
    )
    PAIN_HELP = "How bad your back pain has been this week: 0 = no pain, 10 = the worst pain you can imagine."

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="check_ins")
    week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(WEEKS)])
    pain = models.PositiveSmallIntegerField(help_text=PAIN_HELP, validators=[MaxValueValidator(10)])
    limits = models.PositiveSmallIntegerField(help_text=LIMITS_HELP, validators=[MaxValueValidator(10)])
    # The gate answers given just before this check-in.
    gate_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["enrollment", "week"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "week"], name="backpain_one_check_in_a_week"),
            models.CheckConstraint(condition=Q(week__gte=1, week__lte=WEEKS), name="backpain_check_in_week_1_to_6"),
            models.CheckConstraint(condition=Q(pain__gte=0, pain__lte=10), name="backpain_pain_0_to_10"),
            models.CheckConstraint(condition=Q(limits__gte=0, limits__lte=10), name="backpain_limits_0_to_10"),
        ]

    def __str__(self):
        return f"Week {self.week} check-in"
