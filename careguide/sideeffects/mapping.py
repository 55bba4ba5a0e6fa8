"""From the side-effect check's answers to the triage contract's input. Pure: no Django.

The questions are content/questionnaires/side-effect-check.json. Each question's linkId is
listed below with the contract field it fills and, for a listed answer, the value that
answer means, so a clinician can read the whole translation in one place and the rules in
careguide/triage decide, never this module.

Choices made here (see docs/adr/0015-side-effect-check.md):
- Temperature is a quantity in °F or °C; °F is converted to °C (one decimal). "I have not
  checked" leaves ``temperature_c`` out (missing = none) and the result asks them to check.
- Constipation is asked in whole days beyond the person's usual gap (people count days);
  ``constipation_hours`` = days x 24, which keeps the rule's 48 and 72 hour limits exact.
- "I am not sure" about a context question counts as yes: each flag only makes a rule
  stricter, so not knowing must never make the advice less urgent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

# Grades (and other values) chosen from a list: linkId -> (contract field, {code: value}).
CHOICES: dict[str, tuple[str, dict[str, int]]] = {
    "breathlessness": ("breathlessness", {"normal": 0, "exertion": 1, "minimal": 2, "rest": 3, "struggling": 4}),
    "bleeding": ("bleeding", {"none": 0, "mild": 1, "severe": 2}),
    "confusion": ("confusion", {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "unrousable": 4}),
    "infection": ("infection", {"none": 0, "local": 1, "unwell": 2, "severe": 3, "sepsis": 4}),
    "nausea": ("nausea", {"none": 0, "mild": 1, "less": 2, "none_in": 3}),
    "mouth": ("mouth", {"none": 0, "painless": 1, "painful": 2, "hard_to_eat": 3, "cannot_eat": 4}),
    "appetite": ("appetite", {"usual": 0, "bit_less": 1, "eating_less": 2, "weight_loss": 3, "not_eating": 4}),
    "skin.rash": ("skin_percent", {"none": 0, "palm": 1, "patches": 5, "large": 10}),
    "pain": ("pain", {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "disabling": 4}),
    "nerve": ("nerve", {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "disabling": 4}),
    "fatigue": ("fatigue", {"none": 0, "rest_helps": 1, "rest_no_help": 2, "needs_help": 3, "bedbound": 4}),
    "eye": ("eye", {"none": 0, "mild": 1, "vision": 2}),
    "urinary": ("urinary", {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "little": 4}),
}
# Yes/no questions: linkId -> the boolean field a "yes" sets.
BOOLEANS: dict[str, str] = {
    "chest_pain": "chest_pain",
    "saddle_numbness": "saddle_numbness",
    "bladder_bowel_loss": "bladder_bowel_loss",
    "generally_unwell": "generally_unwell",
    "skin.limits": "skin_limits_activity",
}
# Tick-all-that-apply lists: linkId -> {code: boolean field it sets} ("none" sets nothing).
TICKS: dict[str, dict[str, str]] = {
    "diarrhoea.signs": {
        "night": "diarrhoea_night_or_cramping",
        "cramps": "diarrhoea_night_or_cramping",
        "accidents": "diarrhoea_severe",
        "severe_cramps": "diarrhoea_severe",
        "mucus_blood": "diarrhoea_severe",
    },
    "skin.problems": dict.fromkeys(("blisters", "peeling", "sores", "bleeding", "infected", "pain"), "skin_severe"),
}
# Numbers typed in: linkId -> (contract field, factor, largest plausible answer).
COUNTS: dict[str, tuple[str, int, int]] = {
    "vomiting": ("vomiting_per_24h", 1, 50),
    "diarrhoea.extra": ("diarrhoea_extra_stools", 1, 50),
    "constipation.days": ("constipation_hours", 24, 60),
}
# Context questions (yes / no / not sure): linkId -> context field.
CONTEXT: dict[str, str] = {
    "context.on_sact": "on_sact",
    "context.immunosuppressed": "immunosuppressed",
    "context.ici": "ici",
}
CONTEXT_YES = ("yes", "unsure")
# The anti-diarrhoea medicine was taken and the diarrhoea goes on.
ANTIDIARRHOEAL = ("diarrhoea.medicine", {"still": True, "helping": False, "not_taken": False, "not_given": False})
TEMPERATURE_CHECKED = "temperature.checked"
TEMPERATURE = "temperature.value"
OTHER = "other"

# A temperature outside this range is a typing or unit mistake, not a reading.
TEMPERATURE_MIN_C = Decimal("30")
TEMPERATURE_MAX_C = Decimal("45")
FAHRENHEIT_CODES = ("[degF]", "°F", "F", "degF")
CELSIUS_CODES = ("Cel", "°C", "C", "degC")

LABELS = {
    TEMPERATURE: "What is your temperature?",
    "vomiting": "How many times have you thrown up (vomited) in the last 24 hours?",
    "diarrhoea.extra": "How many more loose or watery poops have you had than is usual for you?",
    "constipation.days": "How many days longer than usual has it been since your last poop?",
}


class MappingError(ValueError):
    """Answers that cannot become contract input; ``problems`` = [(linkId, message)]."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{link}: {message}" for link, message in problems))


def field_items() -> dict[str, str]:
    """Contract field -> the linkId whose answer fills it (to show the rules' errors on a question)."""
    found = {field: link for link, (field, _) in CHOICES.items()}
    found.update({field: link for link, field in BOOLEANS.items()})
    for link, codes in TICKS.items():
        found.update({field: link for field in codes.values()})
    found.update({field: link for link, (field, _, _) in COUNTS.items()})
    found.update({field: link for link, field in CONTEXT.items()})
    found["antidiarrhoeal_failed"] = ANTIDIARRHOEAL[0]
    found["temperature_c"] = TEMPERATURE
    return found


def _walk(items: Iterable[Mapping]):
    for item in items or ():
        yield item
        yield from _walk(item.get("item", ()))
        for answer in item.get("answer", ()) or ():
            yield from _walk(answer.get("item", ()))


def answers_of(response: Mapping) -> dict[str, list]:
    """{linkId: [values]} from a QuestionnaireResponse: codes for listed answers, else the value."""
    found: dict[str, list] = {}
    for item in _walk(response.get("item", ())):
        values = []
        for answer in item.get("answer", ()) or ():
            for key, value in answer.items():
                if key == "valueCoding":
                    values.append(value.get("code"))
                elif key.startswith("value"):
                    values.append(value)
        if values:
            found.setdefault(item.get("linkId"), []).extend(values)
    return found


def _one(answers: Mapping, link: str):
    values = answers.get(link) or []
    return values[0] if values else None


def _label(link: str) -> str:
    return LABELS.get(link, link)


def temperature_celsius(quantity: Mapping) -> Decimal:
    """°C from a quantity answer in °F or °C; ``ValueError`` says what is wrong, in plain words."""
    label = _label(TEMPERATURE)
    try:
        value = Decimal(str(quantity.get("value")))
    except (ArithmeticError, ValueError, TypeError):
        raise ValueError(f"“{label}” must be a number") from None
    if not value.is_finite():
        raise ValueError(f"“{label}” must be a number")
    unit = quantity.get("code") or quantity.get("unit")
    if unit in FAHRENHEIT_CODES:
        celsius = (value - 32) * 5 / 9
    elif unit in CELSIUS_CODES:
        celsius = value
        if Decimal("86") <= value <= Decimal("113"):
            raise ValueError(f"“{label}”: {value} looks like °F. Choose °F, or check the number.")
    else:
        raise ValueError(f"Choose °F or °C for “{label}”")
    celsius = celsius.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if not TEMPERATURE_MIN_C <= celsius <= TEMPERATURE_MAX_C:
        raise ValueError(f"“{label}” must be between 86 and 113 °F (30 and 45 °C). Check the number and the unit.")
    return celsius


def to_contract_input(answers: Mapping[str, list]) -> dict:
    """The contract's {"context": {...}, "symptoms": {...}} for these answers.

    ``answers`` is ``answers_of(response)``. Only answered questions appear (missing = none).
    Raises ``MappingError`` naming each question whose answer cannot be used."""
    problems: list[tuple[str, str]] = []
    context: dict[str, bool] = {}
    symptoms: dict[str, object] = {}

    for link, field in CONTEXT.items():
        code = _one(answers, link)
        if code is not None:
            context[field] = code in CONTEXT_YES
    link, meaning = ANTIDIARRHOEAL
    code = _one(answers, link)
    if code is not None:
        context["antidiarrhoeal_failed"] = bool(meaning.get(code, False))

    for link, (field, codes) in CHOICES.items():
        code = _one(answers, link)
        if code is None:
            continue
        if code not in codes:
            problems.append((link, f"Choose one of the listed answers for “{_label(link)}”"))
            continue
        symptoms[field] = codes[code]

    for link, field in BOOLEANS.items():
        value = _one(answers, link)
        if value is not None:
            symptoms[field] = symptoms.get(field, False) or value is True

    for link, codes in TICKS.items():
        chosen = answers.get(link) or []
        for field in set(codes.values()):
            if chosen:
                symptoms[field] = False
        for code in chosen:
            if code in codes:
                symptoms[codes[code]] = True

    for link, (field, factor, largest) in COUNTS.items():
        value = _one(answers, link)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append((link, f"“{_label(link)}” must be a whole number"))
        elif value < 0:
            problems.append((link, f"“{_label(link)}” must be 0 or more"))
        elif value > largest:
            problems.append((link, f"“{_label(link)}” must be {largest} or less"))
        else:
            symptoms[field] = value * factor

    if _one(answers, TEMPERATURE_CHECKED) != "no":
        quantity = _one(answers, TEMPERATURE)
        if isinstance(quantity, Mapping):
            try:
                symptoms["temperature_c"] = float(temperature_celsius(quantity))
            except ValueError as exc:
                problems.append((TEMPERATURE, str(exc)))

    if problems:
        raise MappingError(problems)
    return {"context": context, "symptoms": symptoms}


def notes_of(answers: Mapping[str, list]) -> dict:
    """What the result must mention that is not a contract field."""
    notes: dict = {}
    if _one(answers, TEMPERATURE_CHECKED) == "no":
        notes["temperature_not_checked"] = True
    other = _one(answers, OTHER)
    if isinstance(other, str) and other.strip():
        notes["other"] = other.strip()
    unsure = [CONTEXT[link] for link in CONTEXT if _one(answers, link) == "unsure"]
    if unsure:
        notes["context_unsure"] = unsure
    return notes
