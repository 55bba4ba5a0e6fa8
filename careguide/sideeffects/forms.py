"""Forms of the treatment profile: cancer type and steroids, one formset per kind of
treatment (several of a kind; "Add another" and "Remove" work without JavaScript), and the
patient's corrections of the derived context."""

from __future__ import annotations

from django import forms
from django.forms import modelformset_factory
from django.utils import timezone

from .models import Treatment
from .models.profile import CancerType, Flag, TreatmentKind

YES_NO = [("yes", "Yes"), ("no", "No")]
SYSTEMIC = ("chemotherapy", "immunotherapy", "targeted")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "field__input field__input--date", **(attrs or {})}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    cancer_type = forms.ChoiceField(
        label="What kind of cancer do you have, or have you had?",
        choices=CancerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of cancer, or choose “I am not sure”"},
    )
    long_term_steroids = forms.TypedChoiceField(
        label="Do you take steroid medicine, such as prednisone or dexamethasone, for a long time?",
        help_text="For example, every day for more than 2 weeks.",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no for steroid medicine"},
    )


# Per kind: the fields asked and their labels.
KIND_FIELDS = {
    "chemotherapy": ("start_date", "ongoing", "end_date"),
    "immunotherapy": ("start_date", "ongoing", "end_date"),
    "targeted": ("start_date", "ongoing", "end_date"),
    "radiation": ("body_area", "start_date", "ongoing", "end_date"),
    "surgery": ("start_date", "detail"),
    "transplant": ("start_date",),
}
KIND_LABELS = {
    "radiation": {"end_date": "Date of the last session", "ongoing": "I am still having it"},
    "surgery": {"start_date": "Date of surgery"},
    "transplant": {"start_date": "Date of the transplant"},
}
KIND_HINTS = {
    "chemotherapy": "Chemotherapy or any other cancer medicine that goes through your whole body: "
                    "pills, shots or drips (IV).",
    "immunotherapy": "Such as pembrolizumab (Keytruda), nivolumab (Opdivo), ipilimumab (Yervoy) "
                     "or atezolizumab (Tecentriq).",
    "targeted": "Medicines that attack a target on cancer cells, often pills.",
    "radiation": "High-energy rays aimed at one part of the body.",
    "surgery": "An operation for your cancer.",
    "transplant": "Also called a bone marrow transplant.",
}


class TreatmentForm(forms.ModelForm):
    kind: str = ""

    class Meta:
        model = Treatment
        fields = ("body_area", "start_date", "ongoing", "end_date", "detail")
        labels = {
            "start_date": "Start date",
            "ongoing": "I am still having it",
            "end_date": "Date of the last dose",
            "body_area": "Part of the body treated",
            "detail": "What was done",
        }
        help_texts = {"end_date": "Leave empty if you are still having it."}
        widgets = {"start_date": DateInput(), "end_date": DateInput(),
                   "body_area": forms.TextInput(attrs={"class": "field__input"}),
                   "detail": forms.TextInput(attrs={"class": "field__input"}),
                   "ongoing": forms.CheckboxInput(attrs={"class": "checkbox__input"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = KIND_FIELDS[self.kind]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for name, label in KIND_LABELS.get(self.kind, {}).items():
            if name in self.fields:
                self.fields[name].label = label
        for name in ("start_date", "body_area", "detail"):
            if name in self.fields:
                self.fields[name].required = True
        if "start_date" in self.fields:
            label = self.fields["start_date"].label.lower()
            self.fields["start_date"].error_messages["required"] = f"Enter the {label}"
        if "body_area" in self.fields:
            self.fields["body_area"].error_messages["required"] = "Enter the part of the body treated"
        if "detail" in self.fields:
            self.fields["detail"].error_messages["required"] = "Enter what was done"
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{field.label} must be a real date"

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start, end, ongoing = data.get("start_date"), data.get("end_date"), data.get("ongoing")
        if start and self.kind in ("surgery", "transplant") and start > today:
            self.add_error("start_date", f"{self.fields['start_date'].label} cannot be in the future")
        if "end_date" in self.fields:
            what = "last dose" if self.kind in SYSTEMIC else "last session"
            if ongoing and end:
                self.add_error("end_date", f"Leave the date of the {what} empty if you are still having it")
            elif not ongoing and not end and self.kind in SYSTEMIC:
                self.add_error("end_date", f"Enter the date of the {what}, or tick “I am still having it”")
            elif end and end > today:
                self.add_error("end_date", f"The date of the {what} cannot be in the future")
            elif end and start and end < start:
                self.add_error("end_date", f"The date of the {what} cannot be before the start date")
        return data


def treatment_formset_class(kind: str):
    form = type(f"{kind.title()}Form", (TreatmentForm,), {"kind": kind})
    return modelformset_factory(Treatment, form=form, extra=0, can_delete=True)


def treatment_formsets(profile, data=None, add: str = ""):
    """One formset per kind, for ``profile`` (None: no treatments yet). ``add`` gives that
    kind one more blank row (the "Add another" button). A kind with no rows gets one."""
    formsets = []
    for kind, label in TreatmentKind.choices:
        queryset = profile.treatments.filter(kind=kind) if profile is not None else Treatment.objects.none()
        cls = treatment_formset_class(kind)
        if data is not None:
            if add == kind:
                data = data.copy()
                total = f"{kind}-TOTAL_FORMS"
                try:
                    data[total] = str(min(int(data.get(total, "0")) + 1, 20))
                except ValueError:
                    data[total] = "1"
            formset = cls(data, queryset=queryset, prefix=kind)
        else:
            cls.extra = 0 if queryset.exists() else 1
            formset = cls(queryset=queryset, prefix=kind)
        formset.kind, formset.label, formset.hint = kind, label, KIND_HINTS[kind]
        formsets.append(formset)
    return formsets


CORRECTION_CHOICES = [("derived", "Use what my treatments show"), ("yes", "Yes"), ("no", "No")]


class CorrectionForm(forms.Form):
    """One radio group per flag: keep what the profile implies, or say yes or no."""

    def __init__(self, *args, context: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for flag, label in Flag.choices:
            info = context[flag]
            current = "derived" if info["correction"] is None else ("yes" if info["correction"].value else "no")
            shown = "yes" if info["derived"] else "no"
            self.fields[flag] = forms.ChoiceField(
                label=label,
                choices=[("derived", f"Use what my treatments show (now: {dict(YES_NO)[shown].lower()})"),
                         ("yes", "Yes, this is true for me"), ("no", "No, this is not true for me")],
                initial=current,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer for “{label}”",
                                "invalid_choice": f"Choose an answer for “{label}”"},
            )
            self.fields[flag].current = current

    def changes(self) -> dict[str, bool | None]:
        """The flags whose answer differs from what is stored now."""
        out = {}
        for flag, _ in Flag.choices:
            chosen = self.cleaned_data[flag]
            if chosen != self.fields[flag].current:
                out[flag] = None if chosen == "derived" else chosen == "yes"
        return out
