"""Forms for referrals. Error messages name the field and say what to do."""

from __future__ import annotations

from django import forms

from careguide.accounts.once import OneTimeKeyField

from . import services
from .models import Referral

REASON_MAX = 300


class ReferralForm(forms.Form):
    email = forms.EmailField(
        label="Patient's email address",
        help_text="The email the patient used to register with Cancer Care Guide.",
        max_length=254,
        error_messages={
            "required": "Enter the patient's email address",
            "invalid": "Enter an email address like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "class": "field__input"}),
    )
    reason = forms.CharField(
        label="Reason for the referral",
        help_text=f"What you found and why you are referring. Up to {REASON_MAX} characters.",
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter the reason for the referral",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 3, "class": "field__input"}),
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=[
            (Referral.Urgency.ROUTINE, "Routine: the first visit within the usual waiting time"),
            (Referral.Urgency.URGENT, "Urgent: seen within a day or two, the same day when possible"),
        ],
        initial=Referral.Urgency.ROUTINE,
        error_messages={"required": "Choose how urgent the referral is",
                        "invalid_choice": "Choose how urgent the referral is"},
        widget=forms.RadioSelect,
    )
    # Sent twice (a double click, back and resend), the form makes one referral (accounts.once).
    submission = OneTimeKeyField()
    notes = forms.CharField(
        label="Notes for Cancer Care",
        help_text="For example: tests already done, medicines, what the patient knows.",
        required=False,
        max_length=4000,
        error_messages={"max_length": "The notes must be 4000 characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 5, "class": "field__input"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        patient = services.find_patient(email)
        if patient is None:
            raise forms.ValidationError(services.NO_PATIENT_ACCOUNT)
        self.patient = patient
        return email

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for the referral")
        return reason


class ReasonForm(forms.Form):
    """A reason for cancelling or turning down a referral; the label says which."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "field__input"}),
        error_messages={"max_length": "The reason must be 2000 characters or fewer"},
    )

    def __init__(self, *args, label: str, required_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_message = required_message
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.required_message)
        return reason


def cancel_form(data=None, prefix="cancel"):
    return ReasonForm(data, prefix=prefix, label="Why are you cancelling this referral?",
                      required_message="Enter the reason for cancelling the referral")


def reject_form(data=None):
    return ReasonForm(data, prefix="reject", label="Why can Cancer Care not take this referral?",
                      required_message="Enter the reason for turning down the referral")


class AcceptForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Which care team will look after this patient?",
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "field__input"}),
        error_messages={"required": "Choose the care team that will look after the patient",
                        "invalid_choice": "Choose one of your own care teams"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, prefix="accept", **kwargs)
        self.fields["team"].queryset = services.teams_of(user)
