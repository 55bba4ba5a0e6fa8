"""What the diary asks, in our own plain words. Pure Python, no Django.

The symptom terms are PRO-CTCAE's (``proctcae.py``), so answers score with the published table;
every question and answer label here is written by us (NCI's item wording is not ours to use).
Questions look back over the last 24 hours: the diary is filled in once a day.

``TRACKABLE`` is the short list a patient chooses from: the terms that matter most during
cancer treatment, not all 80 (several are about sex or periods and are better asked in person).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import proctcae

# One label per score 0-4, by attribute. Our words; the scores are PRO-CTCAE's.
SCALES: dict[str, tuple[str, ...]] = {
    proctcae.FREQUENCY: ("Never", "Now and then", "Sometimes", "Often", "Almost all the time"),
    proctcae.SEVERITY: ("Not at all", "A little", "Quite bad", "Very bad", "As bad as it can be"),
    proctcae.INTERFERENCE: ("Not at all", "A little", "Some", "A lot", "I could hardly do anything"),
    proctcae.AMOUNT: ("None", "A little", "Some", "A lot", "Nearly all of it"),
}

# How a composite grade reads to a patient (never "grade 2").
LEVEL_WORDS = ("None", "Mild", "Moderate", "Severe")


@dataclass(frozen=True)
class Wording:
    label: str  # the symptom's name as a patient says it
    questions: dict[str, str]  # attribute -> question


def _w(label, **questions):
    return Wording(label=label, questions=questions)


TRACKABLE: dict[str, Wording] = {
    "Nausea": _w(
        "Feeling sick to your stomach (nausea)",
        frequency="How often did you feel sick to your stomach?",
        severity="When it was at its worst, how bad was the sick feeling?",
    ),
    "Vomiting": _w(
        "Throwing up (vomiting)",
        frequency="How often did you throw up?",
        severity="When it was at its worst, how bad was the throwing up?",
    ),
    "Diarrhea": _w(
        "Loose or watery poo (diarrhea)",
        frequency="How often did you have loose or watery poo?",
    ),
    "Constipation": _w(
        "Constipation",
        severity="When it was at its worst, how bad was your constipation (trouble doing a poo)?",
    ),
    "Mouth or Throat Sores": _w(
        "Sores in your mouth or throat",
        severity="When they were at their worst, how bad were the sores in your mouth or throat?",
        interference="How much did the sores get in the way of eating, drinking or your usual activities?",
    ),
    "Fatigue": _w(
        "Tiredness or lack of energy (fatigue)",
        severity="When it was at its worst, how bad was your tiredness or lack of energy?",
        interference="How much did tiredness get in the way of your usual activities?",
    ),
    "Decreased Appetite": _w(
        "Poor appetite",
        severity="When it was at its worst, how poor was your appetite?",
        interference="How much did a poor appetite get in the way of your usual activities?",
    ),
    "Pain": _w(
        "Pain",
        frequency="How often did you have pain?",
        severity="When it was at its worst, how bad was the pain?",
        interference="How much did pain get in the way of your usual activities?",
    ),
    "Numbness/Tingling in Hands/Feet": _w(
        "Numbness or tingling in your hands or feet",
        severity="When it was at its worst, how bad was the numbness or tingling?",
        interference="How much did the numbness or tingling get in the way of your usual activities?",
    ),
    "Rash": _w("Rash", presence="Do you have a rash?"),
    "Dry Mouth": _w("Dry mouth", severity="When it was at its worst, how dry was your mouth?"),
    "Difficulty Swallowing": _w(
        "Trouble swallowing", severity="When it was at its worst, how hard was it to swallow?"
    ),
    "Problems Tasting": _w(
        "Changes in taste", severity="When it was at its worst, how much trouble did you have tasting food or drink?"
    ),
    "Shortness of Breath": _w(
        "Shortness of breath",
        severity="When it was at its worst, how short of breath were you?",
        interference="How much did being short of breath get in the way of your usual activities?",
    ),
    "Cough": _w(
        "Cough",
        severity="When it was at its worst, how bad was your cough?",
        interference="How much did coughing get in the way of your usual activities?",
    ),
    "Hand-Foot Syndrome": _w(
        "Sore, red or swollen palms or soles (hand-foot syndrome)",
        severity=(
            "When it was at its worst, how bad was the soreness, redness or swelling of your palms or the soles "
            "of your feet?"
        ),
    ),
    "Itchy Skin": _w("Itchy skin", severity="When it was at its worst, how bad was the itching?"),
    "Hair Loss": _w("Hair loss", amount="How much of your hair have you lost?"),
    "Blurry Vision": _w(
        "Blurry eyesight",
        severity="When it was at its worst, how blurry was your eyesight?",
        interference="How much did blurry eyesight get in the way of your usual activities?",
    ),
    "Dizziness": _w(
        "Dizziness",
        severity="When it was at its worst, how dizzy did you feel?",
        interference="How much did dizziness get in the way of your usual activities?",
    ),
    "Headache": _w(
        "Headache",
        frequency="How often did you have a headache?",
        severity="When it was at its worst, how bad was the headache?",
        interference="How much did headaches get in the way of your usual activities?",
    ),
    "Pain in Abdomen": _w(
        "Belly pain",
        frequency="How often did you have pain in your belly?",
        severity="When it was at its worst, how bad was the belly pain?",
        interference="How much did belly pain get in the way of your usual activities?",
    ),
    "Aching Muscles": _w(
        "Aching muscles",
        frequency="How often did your muscles ache?",
        severity="When it was at its worst, how bad was the aching in your muscles?",
        interference="How much did aching muscles get in the way of your usual activities?",
    ),
    "Aching Joints": _w(
        "Aching joints",
        frequency="How often did your joints ache (for example knees, hips or shoulders)?",
        severity="When it was at its worst, how bad was the aching in your joints?",
        interference="How much did aching joints get in the way of your usual activities?",
    ),
    "Chills": _w(
        "Shivering or chills",
        frequency="How often did you have shivering or chills?",
        severity="When it was at its worst, how bad was the shivering?",
    ),
    "Pain/Burning with Urination": _w(
        "Pain or burning when you pee",
        severity="When it was at its worst, how bad was the pain or burning when you peed?",
    ),
    "Insomnia": _w(
        "Trouble sleeping",
        severity="When it was at its worst, how much trouble did you have falling or staying asleep?",
        interference="How much did poor sleep get in the way of your usual activities?",
    ),
    "Hot Flashes": _w(
        "Hot flushes",
        frequency="How often did you have hot flushes?",
        severity="When they were at their worst, how bad were the hot flushes?",
    ),
    "Anxiety": _w(
        "Feeling worried or anxious",
        frequency="How often did you feel worried or anxious?",
        severity="When it was at its worst, how bad was the worry or anxiety?",
        interference="How much did worry or anxiety get in the way of your usual activities?",
    ),
    "Sad/Unhappy Feelings": _w(
        "Feeling sad or low",
        frequency="How often did you feel sad or low?",
        severity="When it was at its worst, how bad was the sadness?",
        interference="How much did feeling sad get in the way of your usual activities?",
    ),
}

DEFAULT_TERMS: tuple[str, ...] = (
    "Nausea", "Vomiting", "Diarrhea", "Constipation", "Mouth or Throat Sores", "Fatigue",
    "Decreased Appetite", "Pain", "Numbness/Tingling in Hands/Feet", "Rash",
)


def label(term: str) -> str:
    wording = TRACKABLE.get(term)
    return wording.label if wording else term


def level_word(grade: int | None) -> str:
    return "" if grade is None else LEVEL_WORDS[grade]
