"""The patient's checklist form: ticked items, the procedure date and the reminder choice."""

from __future__ import annotations

import datetime as dt

from django import forms

from .checklists import Checklist

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]
MAX_DAYS_AHEAD = 2 * 366

UNKNOWN_ITEM = "Some ticked items are not on this checklist. Reload the page and try again."
BAD_DATE = "Enter the date of your procedure as a real date, for example 3/14/2027"
PAST_DATE = "The date of your procedure must be today or in the future"
FAR_DATE = "The date of your procedure must be within the next 2 years"
REMIND_NEEDS_DATE = "Enter the date of your procedure to get a reminder email the day before"
REMIND_NEEDS_EMAIL = "Your account has no email address, so we cannot send you a reminder"


class ProgressForm(forms.Form):
    ticked = forms.MultipleChoiceField(required=False, error_messages={"invalid_choice": UNKNOWN_ITEM})
    procedure_date = forms.DateField(
        required=False, label="Date of your procedure", input_formats=DATE_FORMATS,
        help_text="If you know it. For example, 3/14/2027.",
        error_messages={"invalid": BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date", "class": "field__input procedures-date"}, format="%Y-%m-%d"),
    )
    remind = forms.BooleanField(
        required=False, label="Email me a reminder the day before",
        help_text="The email goes to the address on your account. It names the procedure and lists what to do.",
        widget=forms.CheckboxInput(attrs={"class": "checkbox__input"}),
    )

    def __init__(self, *args, checklist: Checklist, today: dt.date, saved_date: dt.date | None, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.saved_date, self.email = today, saved_date, email
        self.fields["ticked"].choices = [(item.id, item.text) for item in checklist.tick_items()]

    def clean_procedure_date(self):
        day = self.cleaned_data.get("procedure_date")
        # A date saved earlier may have passed since; keeping it is not an error.
        if day and day < self.today and day != self.saved_date:
            raise forms.ValidationError(PAST_DATE)
        if day and (day - self.today).days > MAX_DAYS_AHEAD:
            raise forms.ValidationError(FAR_DATE)
        return day

    def clean(self):
        data = super().clean()
        if data.get("remind"):
            if "procedure_date" in data and not data["procedure_date"]:
                self.add_error("procedure_date", REMIND_NEEDS_DATE)
            if not self.email:
                self.add_error("remind", REMIND_NEEDS_EMAIL)
        return data
