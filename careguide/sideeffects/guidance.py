"""What a side-effect result tells the person to do: the action first, then why, then what
helps at home. Used by the check's result page and by the diary (same result, same words).

``build(result, answers=None, notes=None) -> Guidance``; the template is
``sideeffects/includes/guidance.html``. Phone numbers come from OrganizationSettings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.urls import reverse

from careguide.core import sitecache
from careguide.core.crisis import CrisisLine, crisis_line
from careguide.library.models import SideEffect, SideEffectsPage
from careguide.triage.deployment import fill

LEVEL_ORDER = ("emergency", "red", "amber", "green")

# Each symptom of the rules and the library side effect (/side-effects/<slug>/) whose
# self-care tips fit it. Data, not logic: a new library entry is a one-line change here.
SYMPTOM_PAGES: dict[str, str] = {
    "temperature": "fever-and-infection",
    "breathlessness": "breathlessness",
    "chest_pain": "chest-pain",
    "bleeding": "bleeding-and-bruising",
    "confusion": "confusion",
    "infection": "fever-and-infection",
    "fatigue": "fatigue",
    "eye": "eye-changes",
    "mouth": "mouth-sores",
    "appetite": "loss-of-appetite",
    "nausea": "nausea-and-vomiting",
    "vomiting": "nausea-and-vomiting",
    "diarrhoea": "diarrhea",
    "constipation": "constipation",
    "urinary": "urinary-problems",
    "skin": "rash",
    "pain": "body-aches",
    "nerve": "nerve-damage",
    "cord_compression": "nerve-damage",
}

NAMES = {
    "temperature": "Your temperature", "breathlessness": "Your breathing", "chest_pain": "Chest pain",
    "bleeding": "Bleeding or bruising", "confusion": "Confusion or sleepiness", "infection": "Signs of infection",
    "fatigue": "Tiredness", "eye": "Your eyes", "mouth": "Mouth sores", "appetite": "Your appetite",
    "nausea": "Nausea", "vomiting": "Throwing up", "diarrhoea": "Diarrhea", "constipation": "Constipation",
    "urinary": "Peeing", "skin": "Rash or skin problems", "pain": "Pain", "nerve": "Numbness, tingling or weakness",
    "cord_compression": "Numbness between the legs, or bladder or bowel control",
}

# What each grade means, in the words of the questions.
GRADE_WORDS: dict[str, dict[int, str]] = {
    "breathlessness": {1: "more out of breath than usual when active", 2: "out of breath doing small things",
                       3: "out of breath at rest", 4: "struggling to breathe"},
    "bleeding": {1: "a little bleeding that stopped, or one small bruise",
                 2: "bleeding that does not stop, or many or large bruises"},
    "confusion": {1: "a little muddled or sleepy", 2: "muddled or sleepy enough to make daily tasks hard",
                  3: "very confused or very sleepy", 4: "very hard to wake"},
    "infection": {1: "signs of infection, otherwise well", 2: "signs of infection and feeling unwell",
                  3: "signs of infection and feeling very unwell",
                  4: "signs of infection with feeling faint, cold or blotchy skin, or fast breathing"},
    "fatigue": {1: "tired, but rest helps", 2: "tired even after rest",
                3: "so tired you need help to look after yourself",
                4: "so tired you can hardly get out of bed"},
    "eye": {1: "mild eye problems", 2: "eye problems that get in the way, or a change in eyesight"},
    "mouth": {1: "sores that do not hurt", 2: "painful sores, eating as usual", 3: "sores that make eating hard",
              4: "sores that stop you eating or drinking"},
    "appetite": {1: "a bit less hungry", 2: "eating less, no weight loss", 3: "eating much less, with weight loss",
                 4: "hardly eating or drinking, feeling faint or weak"},
    "nausea": {1: "eating and drinking about as usual", 2: "eating and drinking much less",
               3: "hardly eating or drinking"},
    "urinary": {1: "mild problems", 2: "pain, burning or hurry that gets in the way",
                3: "cannot pee, new leaks, or blood in your pee", 4: "very little or no pee"},
    "pain": {1: "mild", 2: "gets in the way of daily tasks", 3: "stops you looking after yourself",
             4: "so bad you cannot do anything"},
    "nerve": {1: "mild tingling or numbness", 2: "makes buttons, writing or walking hard",
              3: "stops you looking after yourself", 4: "cannot move or feel part of your body"},
}

CONTEXT_WORDS = {
    "on_sact": "you had chemotherapy, targeted therapy or immunotherapy in the last 8 weeks",
    "immunosuppressed": "your immune system may be weak",
    "ici": "you have had immunotherapy with a checkpoint inhibitor",
    "antidiarrhoeal_failed": "the medicine for diarrhea has not helped",
}


@dataclass(frozen=True)
class Reason:
    symptom: str
    level: str
    name: str
    answer: str  # what the person told us, e.g. "38.2 °C (100.8 °F)"; may be empty
    why: str


@dataclass(frozen=True)
class Advice:
    slug: str
    name: str
    tips: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class Guidance:
    disposition: str
    heading: str
    emergency_number: str
    care_team_phone: str
    advice_line_phone: str
    advice_line_hours: str
    reasons: tuple[Reason, ...] = ()
    explanations: tuple[str, ...] = ()  # the rules' reasons when there are no findings
    context: tuple[str, ...] = ()  # what we took into account about their treatment
    advice: tuple[Advice, ...] = ()
    temperature_not_checked: bool = False
    # What to do once they have checked it: sentences filled in from the rules in force, for
    # this person's treatment (``temperature_check_advice``).
    temperature_check: tuple[str, ...] = ()
    other: str = ""
    diary_url: str = ""
    notes: dict = field(default_factory=dict)
    crisis: CrisisLine = field(default_factory=CrisisLine)

    @property
    def is_emergency(self) -> bool:
        return self.disposition == "emergency"


def _organization():
    return sitecache.default_organization()


def temperature_check_advice(context: Mapping) -> tuple[str, ...]:
    """When to call about a temperature they have not checked yet, from the rules in force for
    their treatment: during treatment or with a weak immune system a fever or a low temperature
    is "now"; otherwise a high temperature is "now" and a raised or low one "within 24 hours"."""
    if context.get("on_sact") or context.get("immunosuppressed"):
        lines = ("If it is {fever} or higher, or below {low_temperature}, call your care team now.",)
    else:
        lines = ("If it is over {high_temperature}, call your care team now.",
                 "If it is {raised_temperature} to {high_temperature}, or below {low_temperature}, "
                 "call your care team within 24 hours.")
    return tuple(fill(line) for line in lines)


def heading_for(disposition: str, emergency_number: str = "911") -> str:
    return {
        "emergency": f"Call {emergency_number} now",
        "red": "Call the 24-hour cancer care line now",
        "amber": "Contact your care team within 24 hours",
        "green": "You can look after yourself at home",
    }[disposition]


def _fahrenheit(celsius: float) -> str:
    return f"{celsius * 9 / 5 + 32:.1f}"


def answer_text(symptom: str, symptoms: Mapping, context: Mapping | None = None) -> str:
    """What the person told us about one symptom, in plain words ("" if we cannot say)."""
    context = context or {}
    parts: list[str] = []
    if symptom == "temperature":
        if symptoms.get("temperature_c") is not None:
            c = float(symptoms["temperature_c"])
            parts.append(f"{c:.1f} °C ({_fahrenheit(c)} °F)")
        if symptoms.get("generally_unwell"):
            parts.append("you feel unwell in general")
    elif symptom in GRADE_WORDS:
        words = GRADE_WORDS[symptom].get(symptoms.get(symptom) or 0)
        if words:
            parts.append(words)
    elif symptom == "vomiting" and symptoms.get("vomiting_per_24h"):
        parts.append(f"{symptoms['vomiting_per_24h']} times in 24 hours")
    elif symptom == "diarrhoea":
        if symptoms.get("diarrhoea_extra_stools"):
            parts.append(f"{symptoms['diarrhoea_extra_stools']} more loose poops a day than usual")
        if symptoms.get("diarrhoea_night_or_cramping"):
            parts.append("at night or with cramps")
        if symptoms.get("diarrhoea_severe"):
            parts.append("with accidents, very bad cramps, mucus or blood")
        if context.get("antidiarrhoeal_failed"):
            parts.append("the medicine for diarrhea has not helped")
    elif symptom == "constipation" and symptoms.get("constipation_hours"):
        hours = int(symptoms["constipation_hours"])
        parts.append(f"{hours // 24} days longer than usual without a poop" if hours % 24 == 0
                     else f"{hours} hours longer than usual without a poop")
    elif symptom == "skin":
        if symptoms.get("skin_percent"):
            parts.append(f"a rash on about {symptoms['skin_percent']:g}% of your skin")
        if symptoms.get("skin_limits_activity"):
            parts.append("it stops your daily tasks")
        if symptoms.get("skin_severe"):
            parts.append("blisters, peeling, sores, bleeding, infection or bad pain")
    elif symptom == "chest_pain" and symptoms.get("chest_pain"):
        parts.append("yes")
    elif symptom == "cord_compression":
        if symptoms.get("saddle_numbness"):
            parts.append("new numbness between your legs")
        if symptoms.get("bladder_bowel_loss"):
            parts.append("new loss of bladder or bowel control")
    return "; ".join(parts)


# Findings that are reported but need no self-care tips: a normal temperature reading.
NOTHING_TO_ADVISE = frozenset({"temperature-normal"})


def _advice(findings) -> tuple[Advice, ...]:
    wanted = []
    for finding in findings:
        slug = SYMPTOM_PAGES.get(finding.symptom)
        if finding.rule in NOTHING_TO_ADVISE:
            continue
        if finding.level in ("green", "amber") and slug and slug not in wanted:
            wanted.append(slug)
    if not wanted:
        return ()
    page = SideEffectsPage.objects.live().first()
    base = (page.url if page is not None else None) or "/side-effects/"
    effects = {e.slug: e for e in SideEffect.objects.filter(slug__in=wanted)}
    return tuple(
        Advice(slug, effects[slug].name, tuple(SideEffect.lines(effects[slug].self_care)), f"{base}{slug}/")
        for slug in wanted if slug in effects
    )


def _diary_url() -> str:
    return reverse("diary:home")


def build(result, answers: Mapping | None = None, notes: Mapping | None = None) -> Guidance:
    """The guidance for a side-effect ``Result``. ``answers`` is the contract input that led to
    it (to repeat the person's own answers under "Why"); ``notes`` are the check's extras
    (``temperature_not_checked``, ``other``)."""
    answers = answers or {}
    notes = dict(notes or {})
    symptoms = answers.get("symptoms") or {}
    context = answers.get("context") or {}
    org = _organization()
    emergency_number = (getattr(org, "emergency_number", "") or "911").strip()
    findings = sorted(result.findings, key=lambda f: LEVEL_ORDER.index(f.level) if f.level in LEVEL_ORDER else 9)
    reasons = tuple(
        Reason(f.symptom, f.level, NAMES.get(f.symptom, f.symptom.replace("_", " ").capitalize()),
               answer_text(f.symptom, symptoms, context), f.why)
        for f in findings
    )
    return Guidance(
        disposition=result.disposition,
        heading=heading_for(result.disposition, emergency_number),
        emergency_number=emergency_number,
        care_team_phone=getattr(org, "care_team_phone", "") or "",
        advice_line_phone=getattr(org, "advice_line_phone", "") or "",
        advice_line_hours=getattr(org, "advice_line_hours", "") or "",
        reasons=reasons,
        explanations=tuple(result.explanations) if not reasons else (),
        context=tuple(words for flag, words in CONTEXT_WORDS.items() if context.get(flag)),
        advice=_advice(findings),
        temperature_not_checked=bool(notes.get("temperature_not_checked")),
        temperature_check=temperature_check_advice(context) if notes.get("temperature_not_checked") else (),
        other=str(notes.get("other") or ""),
        diary_url=_diary_url() if result.disposition in ("green", "amber") else "",
        notes=notes,
        crisis=crisis_line(org),
    )
