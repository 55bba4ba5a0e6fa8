"""Admin form for clinic sessions: the location is one of the organization's locations
(configuration), the clinician one of the care-team members."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from . import booking
from .models import ClinicSession


class ClinicSessionForm(WagtailAdminModelForm):
    location = forms.ChoiceField(choices=(), help_text="Locations are set under Settings > Organization.")

    class Meta:
        model = ClinicSession
        fields = ["clinician", "location", "weekday", "start_time", "end_time", "slot_minutes", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = booking.locations()
        choices = [(slug, place.name) for slug, place in known.items()]
        # A session saved before its location was removed from the configuration still shows
        # its value, so the administrator sees what is wrong instead of a silent change.
        current = self.instance.location if self.instance.pk else ""
        if current and current not in known:
            choices.append((current, f"{current} (not a configured location)"))
        self.fields["location"].choices = choices
        self.fields["clinician"].queryset = booking.care_team_clinicians()
        self.fields["clinician"].help_text = "A member of a care team (add them under Care teams > Members first)."

    def clean_location(self):
        location = self.cleaned_data["location"]
        if location not in booking.locations():
            raise forms.ValidationError("Choose one of the organization's locations.")
        return location

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The session must end after it starts.")
        minutes = cleaned.get("slot_minutes")
        if minutes is not None and minutes < 5:
            self.add_error("slot_minutes", "A slot is at least 5 minutes long.")
        return cleaned
