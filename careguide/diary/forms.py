"""The daily entry form and the symptom chooser.

The entry form is built from the patient's tracked symptoms: one group per symptom with the
PRO-CTCAE attributes that symptom has (in our words), the numbers the triage rules need for
some symptoms, and the safety questions every entry asks. ``layout()`` gives the template the
groups in order; ``error_links()`` gives the error summary an anchor per error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.text import slugify

from careguide.accounts.once import OneTimeKeyField

from . import proctcae, wording
from .crosswalk import RASH_EXTENTS, crosswalk
from .models import DiaryEntry
from .services import EntryInput, SymptomInput

YES_NO = (("no", "No"), ("yes", "Yes"))
TEMPERATURE_UNITS = (
    ("C", "Celsius (°C)"),
    ("F", "Fahrenheit (°F)"),
    ("not_checked", "I have not checked my temperature"),
)
TEMPERATURE_RANGES = {"C": (Decimal("30"), Decimal("45")), "F": (Decimal("86"), Decimal("113"))}
BLEEDING = (
    ("0", "No bleeding and no new bruises"),
    ("1", "A little bleeding that stopped by itself, or one small bruise"),
    ("2", "Bleeding that will not stop, or many bruises, or a large bruise"),
)
RASH_EXTENT_LABELS = dict(zip(RASH_EXTENTS, (
    "Small: less than the size of one whole arm",
    "Large: the size of one whole arm or more",
    "I am not sure",
), strict=True))
COUNT_QUESTIONS = {
    "vomiting_per_24h": ("How many times did you throw up in the last 24 hours?", "Write 0 if you did not throw up."),
    "diarrhoea_extra_stools": (
        "How many more times than usual did you poo in the last 24 hours?",
        "For example, if you usually go once a day and went 4 times, write 3. Write 0 if you went as usual.",
    ),
    "constipation_hours": (
        "How many hours longer than usual has it been since your last poo?",
        "1 day longer is 24 hours, 2 days longer is 48 hours. Write 0 if you are going as usual.",
    ),
}
DIARRHOEA_FLAGS = {
    "diarrhoea_night_or_cramping": "Did you need to poo during the night, or have cramps in your belly?",
    "diarrhoea_severe": (
        "Did you have any of these: poo you could not hold in, bad cramps, or mucus or blood in your poo?"
    ),
    "antidiarrhoeal_failed": "Have you taken medicine for diarrhea that has not helped?",
}
RASH_FOLLOW_UPS = {
    "skin_limits_activity": "Does the rash stop you doing your usual activities?",
    "skin_severe": "Does the rash have any of these: blisters, peeling, open sores, bleeding, pus, or bad pain?",
}
SAFETY_QUESTIONS = {
    "generally_unwell": "Do you feel generally unwell, shivery or just not right?",
    "chest_pain": "Do you have any pain or tightness in your chest?",
    "saddle_numbness": "Is the skin between your legs or around your bottom newly numb?",
    "bladder_bowel_loss": "Have you suddenly lost control of your bladder or bowels (pee or poo)?",
}
SAFETY_ORDER = ("temperature", "temperature_unit", "generally_unwell", "chest_pain", "bleeding",
                "saddle_numbness", "bladder_bowel_loss")
MAX_COUNT = 99
MAX_HOURS = 24 * 30


def term_slug(term: str) -> str:
    return slugify(term.replace("/", " "))  # "Numbness/Tingling in Hands/Feet" -> numbness-tingling-in-hands-feet


def field_name(term: str, attribute: str) -> str:
    return f"{term_slug(term)}__{attribute}"


def _choose(question: str) -> str:
    return f"Choose an answer to: {question}"


def _radio(label, choices, help_text=""):
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, required=False, help_text=help_text
    )


@dataclass
class Group:
    id: str
    title: str
    fields: list  # BoundFields
    intro: str = ""


class EntryForm(forms.Form):
    """One day's diary. Every choice is ``required=False`` at field level: ``clean`` decides
    what is needed from the other answers, and names the question in each error."""

    # A new one-time key each time the form is shown; sent back with the answers, it lets the
    # diary store a form sent twice only once (services.save_entry).
    submission = OneTimeKeyField()

    def __init__(self, *args, terms: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = [t for t in terms if t in wording.TRACKABLE]
        cw = crosswalk()
        for term in self.terms:
            words = wording.TRACKABLE[term]
            for attribute in proctcae.term(term).attributes:
                question = words.questions[attribute]
                choices = (
                    YES_NO if attribute == proctcae.PRESENCE
                    else [(str(i), text) for i, text in enumerate(wording.SCALES[attribute])]
                )
                self.fields[field_name(term, attribute)] = _radio(question, choices)
            count = cw.counts.get(term)
            if count:
                question, hint = COUNT_QUESTIONS[count]
                self.fields[count] = forms.IntegerField(
                    label=question, help_text=hint, required=False, min_value=0,
                    max_value=MAX_HOURS if count == "constipation_hours" else MAX_COUNT,
                    error_messages={
                        "invalid": f"Write a whole number for: {question}",
                        "min_value": f"The number cannot be below 0 for: {question}",
                        "max_value": "The number is too large for: " + question,
                    },
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
                )
            if term == "Diarrhea":
                for name, question in DIARRHOEA_FLAGS.items():
                    self.fields[name] = _radio(question, YES_NO, "Answer if you had loose or watery poo.")
            if term in cw.presence:
                self.fields["rash_extent"] = _radio(
                    "How much of your body does the rash cover?", list(RASH_EXTENT_LABELS.items()),
                    "Answer if you have a rash. The palm of your hand is about 1 part in 100 of your skin.",
                )
                for name, question in RASH_FOLLOW_UPS.items():
                    self.fields[name] = _radio(question, YES_NO, "Answer if you have a rash.")
        self.fields["temperature"] = forms.DecimalField(
            label="What is your temperature now?", required=False, max_digits=4, decimal_places=1,
            help_text="For example 37.2 (Celsius) or 99.0 (Fahrenheit).",
            error_messages={"invalid": "Write your temperature as a number, for example 37.2"},
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short", "autocomplete": "off"}),
        )
        self.fields["temperature_unit"] = _radio("Is that in Celsius or Fahrenheit?", TEMPERATURE_UNITS)
        for name, question in SAFETY_QUESTIONS.items():
            self.fields[name] = _radio(question, YES_NO)
            if name == "chest_pain":
                self.fields["bleeding"] = _radio("Have you had any bleeding or new bruises?", BLEEDING)

    # --- checking ------------------------------------------------------------------------------

    def _value(self, name):
        value = self.cleaned_data.get(name)
        return None if value in (None, "") else value

    def _need(self, name):
        if self._value(name) is None and name not in self.errors:
            self.add_error(name, _choose(self.fields[name].label) if isinstance(self.fields[name], forms.ChoiceField)
                           else f"Write a number for: {self.fields[name].label}")

    def clean(self):
        super().clean()
        cw = crosswalk()
        for term in self.terms:
            attributes = proctcae.term(term).attributes
            gate = field_name(term, attributes[0])
            self._need(gate)
            gate_value = self._value(gate)
            if gate_value not in (None, "0", "no"):
                for attribute in attributes[1:]:
                    self._need(field_name(term, attribute))
            count = cw.counts.get(term)
            if count and gate_value not in (None, "0"):
                self._need(count)
            if term == "Diarrhea" and gate_value not in (None, "0"):
                for name in DIARRHOEA_FLAGS:
                    self._need(name)
            if term in cw.presence and gate_value == "yes":
                for name in ("rash_extent", *RASH_FOLLOW_UPS):
                    self._need(name)
        unit = self._value("temperature_unit")
        temperature = self._value("temperature")
        if unit is None:
            if "temperature_unit" not in self.errors:
                self.add_error(
                    "temperature_unit",
                    "Choose Celsius or Fahrenheit for your temperature, or choose that you have not checked it",
                )
        elif unit == "not_checked":
            if temperature is not None:
                self.add_error("temperature", "You wrote a temperature but chose that you have not checked it: "
                                              "clear the number or choose Celsius or Fahrenheit")
        elif temperature is None:
            if "temperature" not in self.errors:
                self.add_error("temperature", "Write your temperature, or choose that you have not checked it")
        else:
            low, high = TEMPERATURE_RANGES[unit]
            if not low <= temperature <= high:
                symbol = "°C" if unit == "C" else "°F"
                self.add_error("temperature", f"Check your temperature: it should be between {low} and {high} {symbol}")
        for name in (*SAFETY_QUESTIONS, "bleeding"):
            self._need(name)
        return self.cleaned_data

    def to_input(self) -> EntryInput:
        """The checked answers for ``services.save_entry``. Answers to follow-up questions
        skipped by a "Never"/"Not at all" first answer are dropped, as PRO-CTCAE skips them."""
        cw = crosswalk()
        symptoms: dict[str, SymptomInput] = {}
        asked: dict = {}
        diarrhoea_failed = False
        for term in self.terms:
            attributes = proctcae.term(term).attributes
            gate_value = self._value(field_name(term, attributes[0]))
            values: dict = {}
            for attribute in attributes:
                raw = self._value(field_name(term, attribute))
                if attribute == proctcae.PRESENCE:
                    values["present"] = raw == "yes"
                elif attribute is attributes[0] or gate_value != "0":
                    slot = proctcae.INTERFERENCE if attribute == proctcae.AMOUNT else attribute
                    values[slot] = int(raw)
            symptoms[term] = SymptomInput(**values)
            count = cw.counts.get(term)
            if count:
                asked[count] = self._value(count) or 0
            if term == "Diarrhea" and gate_value != "0":
                asked["diarrhoea_night_or_cramping"] = self._value("diarrhoea_night_or_cramping") == "yes"
                asked["diarrhoea_severe"] = self._value("diarrhoea_severe") == "yes"
                diarrhoea_failed = self._value("antidiarrhoeal_failed") == "yes"
            if term in cw.presence and gate_value == "yes":
                asked["rash_extent"] = self._value("rash_extent")
                for name in RASH_FOLLOW_UPS:
                    asked[name] = self._value(name) == "yes"
        unit = self._value("temperature_unit")
        return EntryInput(
            symptoms=symptoms,
            temperature_unit=unit,
            temperature_entered=None if unit == DiaryEntry.Temperature.NOT_CHECKED else self._value("temperature"),
            generally_unwell=self._value("generally_unwell") == "yes",
            chest_pain=self._value("chest_pain") == "yes",
            bleeding=int(self._value("bleeding")),
            saddle_numbness=self._value("saddle_numbness") == "yes",
            bladder_bowel_loss=self._value("bladder_bowel_loss") == "yes",
            asked=asked,
            antidiarrhoeal_failed=diarrhoea_failed,
        )

    # --- display -------------------------------------------------------------------------------

    def layout(self) -> list[Group]:
        cw = crosswalk()
        groups = []
        for term in self.terms:
            names = [field_name(term, a) for a in proctcae.term(term).attributes]
            if cw.counts.get(term):
                names.append(cw.counts[term])
            if term == "Diarrhea":
                names.extend(DIARRHOEA_FLAGS)
            if term in cw.presence:
                names.extend(("rash_extent", *RASH_FOLLOW_UPS))
            groups.append(Group(id=term_slug(term), title=wording.label(term), fields=[self[n] for n in names]))
        groups.append(Group(
            id="safety", title="Safety questions we ask every day",
            intro="These questions help us spot a problem that needs help right away.",
            fields=[self[n] for n in SAFETY_ORDER],
        ))
        return groups

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) per error, in page order: a radio group links to its first option."""
        links = []
        for group in self.layout():
            for bound in group.fields:
                anchor = f"{bound.auto_id}_0" if isinstance(bound.field.widget, forms.RadioSelect) else bound.auto_id
                links.extend((anchor, error) for error in bound.errors)
        return links


class ChooseSymptomsForm(forms.Form):
    terms = forms.MultipleChoiceField(
        label="Which symptoms do you want to track?",
        choices=[(term, words.label) for term, words in wording.TRACKABLE.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one symptom to track"},
    )
