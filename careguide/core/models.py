"""Organization details as configuration: the site's name, locations and phone numbers; and
``WriteOnce``, the base of every row that records a step and is never changed, and
``StatusStep``, the base of the status histories."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from . import crisis

NOTICE_FEATURES = ["bold", "italic", "ul", "ol", "link"]


@register_setting(icon="site")
class OrganizationSettings(ClusterableModel, BaseSiteSetting):
    site_name = models.CharField(max_length=120, default="Cancer Care Guide")
    organization = models.CharField(
        max_length=200, help_text="Shown in the header and footer, e.g. the medical centers' name."
    )
    department = models.CharField(max_length=120, default="Cancer Care")
    care_team_phone = models.CharField(max_length=40, help_text="Cancer care team, day and night.")
    advice_line_phone = models.CharField(max_length=40)
    advice_line_hours = models.CharField(max_length=120, blank=True)
    emergency_number = models.CharField(max_length=10, default="911")
    crisis_line_name = models.CharField(max_length=120, default=crisis.NAME,
                                        help_text="Shown beside 911 on every page and in every emergency result.")
    crisis_line_number = models.CharField(max_length=20, default=crisis.NUMBER, help_text="Number to call.")
    crisis_text_number = models.CharField(max_length=20, default=crisis.NUMBER, blank=True,
                                          help_text="Number to text (blank if the line takes no texts).")
    crisis_chat_url = models.URLField(default=crisis.CHAT_URL, blank=True, help_text="The line's web chat.")
    crisis_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Our page about crisis help, linked from the emergency notice and search.",
    )
    emergency_notice = RichTextField(features=NOTICE_FEATURES)
    disclaimer = RichTextField(features=NOTICE_FEATURES)

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("organization"), FieldPanel("department")],
            heading="Names",
        ),
        MultiFieldPanel(
            [
                FieldPanel("care_team_phone"),
                FieldPanel("advice_line_phone"),
                FieldPanel("advice_line_hours"),
                FieldPanel("emergency_number"),
            ],
            heading="Phone numbers",
        ),
        MultiFieldPanel(
            [FieldPanel("crisis_line_name"), FieldPanel("crisis_line_number"), FieldPanel("crisis_text_number"),
             FieldPanel("crisis_chat_url"), FieldPanel("crisis_page")],
            heading="Crisis line",
        ),
        InlinePanel("locations", label="Locations"),
        FieldPanel("emergency_notice"),
        FieldPanel("disclaimer"),
    ]

    class Meta:
        verbose_name = "Organization"

    def __str__(self):
        return self.organization or self.site_name


class Location(Orderable):
    settings = ParentalKey(OrganizationSettings, related_name="locations", on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("address"), FieldPanel("phone")]

    def __str__(self):
        return self.name


class ImmutableError(ValueError):
    """A change to a row that is written once."""


class WriteOnce(models.Model):
    """A row written once and never changed or deleted: status histories (alerts, referrals,
    treatment plans), where who did what and when must stay as it was."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name.capitalize()} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self._meta.verbose_name.capitalize()} rows are never deleted.")


class StatusStep(WriteOnce):
    """One step of a record's status history (alerts, referrals, treatment plans): who moved it
    to which status, and when. A concrete history adds the record it follows (``related_name=
    "history"``), its ``status`` field with the record's choices, and any note it keeps."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The name at the time, kept if the account is later removed; "" when the system made the step.
    by_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} {self.at:%Y-%m-%d %H:%M}"


class OwnRowsQuerySet(models.QuerySet):
    """Rows that belong to one person, reached by that person only through ``for_user``: nobody
    else's, whatever their role (care teams reach their patients' rows through
    ``careguide.careteam.scoping.scope``). ``owner`` is the lookup from the row to its person."""

    owner = "patient"

    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(**{self.owner: user})
