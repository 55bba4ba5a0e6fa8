"""The care team's forms: apply a template (start date and the template's own settings), change
or add a phase, end a plan. Error messages name the field, as the error summary links to it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import plans
from .catalog import PlanTemplate
from .models import TreatmentPlan

DATE_HELP = "For example, 2026-03-02."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"class": "field__input"})
        super().__init__(format="%Y-%m-%d", **kwargs)


def in_plan_window(label: str):
    """A validator: the date lies in the plans' window (``plans.date_window``), seen from today."""

    def check(value):
        if (problem := plans.date_problem(label, value, timezone.localdate())) is not None:
            raise ValidationError(problem, code="out_of_range")

    return check


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, help_text=DATE_HELP, widget=DateInput(), validators=[in_plan_window(label)],
        error_messages={"required": f"Enter the {label.lower()}.",
                        "invalid": f"Enter the {label.lower()} as a real date, for example 2026-03-02."},
    )


class ApplyForm(forms.Form):
    """The start date, then one field per parameter of ``template`` (and no others)."""

    def __init__(self, template: PlanTemplate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["start_date"] = date_field("Start date")
        for param in template.parameters:
            if param.kind == "integer":
                self.fields[param.key] = forms.IntegerField(
                    label=param.label, help_text=param.help, initial=param.default,
                    min_value=param.minimum, max_value=param.maximum,
                    widget=forms.NumberInput(attrs={"class": "field__input", "inputmode": "numeric"}),
                    error_messages={
                        "required": f"Enter {param.label.lower()}.",
                        "invalid": f"{param.label}: enter a whole number.",
                        "min_value": f"{param.label}: enter a number from {param.minimum} to {param.maximum}.",
                        "max_value": f"{param.label}: enter a number from {param.minimum} to {param.maximum}.",
                    },
                )
            else:
                self.fields[param.key] = forms.ChoiceField(
                    label=param.label, help_text=param.help, initial=param.default,
                    widget=forms.RadioSelect(attrs={"class": "checkbox__input"}),
                    choices=[(c.value, c.label) for c in param.choices],
                    error_messages={"required": f"{param.label} Choose one.",
                                    "invalid_choice": f"{param.label} Choose one of the options."},
                )

    def parameters(self) -> dict:
        return {p.key: self.cleaned_data[p.key] for p in self.template.parameters}


class PhaseDatesForm(forms.Form):
    start_date = date_field("Start date")
    end_date = date_field("End date")
    note = forms.CharField(
        label="Note for the patient", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "field__input"}),
        help_text="Shown on the patient's timeline. Plain words; up to 500 characters.",
        error_messages={"max_length": "The note can be up to 500 characters long."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date.")
        return cleaned


class AddPhaseForm(PhaseDatesForm):
    title = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(attrs={"class": "field__input"}),
                            error_messages={"required": "Enter a title for the phase.",
                                            "max_length": "The title can be up to 200 characters long."})
    purpose = forms.CharField(
        label="What this phase is for", max_length=600,
        widget=forms.Textarea(attrs={"rows": 3, "class": "field__input"}),
        help_text="In plain words the patient will understand.",
        error_messages={"required": "Say what this phase is for.",
                        "max_length": "What this phase is for can be up to 600 characters long."},
    )
    field_order = ["title", "purpose", "start_date", "end_date", "note"]


class EndPlanForm(forms.Form):
    status = forms.ChoiceField(
        label="How did the plan end?", widget=forms.RadioSelect(attrs={"class": "checkbox__input"}),
        choices=[(TreatmentPlan.Status.COMPLETED, "Completed: the treatment is finished"),
                 (TreatmentPlan.Status.STOPPED, "Stopped: the treatment ended early or changed")],
        error_messages={"required": "Choose whether the plan is completed or stopped.",
                        "invalid_choice": "Choose whether the plan is completed or stopped."},
    )
