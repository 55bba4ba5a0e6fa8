"""Diary answers as the daily form posts them."""

from careguide.diary.forms import field_name


def quiet_day(**overrides):
    """A day with nothing wrong: every default symptom "never"/"not at all", safety all no."""
    data = {
        field_name("Nausea", "frequency"): "0",
        field_name("Vomiting", "frequency"): "0",
        field_name("Diarrhea", "frequency"): "0",
        field_name("Constipation", "severity"): "0",
        field_name("Mouth or Throat Sores", "severity"): "0",
        field_name("Fatigue", "severity"): "0",
        field_name("Decreased Appetite", "severity"): "0",
        field_name("Pain", "frequency"): "0",
        field_name("Numbness/Tingling in Hands/Feet", "severity"): "0",
        field_name("Rash", "presence"): "no",
        "temperature": "36.8",
        "temperature_unit": "C",
        "generally_unwell": "no",
        "chest_pain": "no",
        "bleeding": "0",
        "saddle_numbness": "no",
        "bladder_bowel_loss": "no",
    }
    data.update(overrides)
    return data
