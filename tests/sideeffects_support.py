"""Helpers for the side-effect check tests: answer the paged check as a browser without
JavaScript does, one step at a time."""

import json
import re
from pathlib import Path

from careguide.questionnaires import engine

CHECK = "/side-effect-check/"
CHECK_FILE = Path(__file__).resolve().parents[1] / "content" / "questionnaires" / "side-effect-check.json"
DEFINITION = engine.parse_questionnaire(json.loads(CHECK_FILE.read_text()))

# Answers of a person with no symptoms, by step (form field name -> value(s)).
CALM = [
    {"chest_pain": "false", "breathlessness": "normal", "bleeding": "none", "confusion": "none",
     "saddle_numbness": "false", "bladder_bowel_loss": "false"},
    {"context.on_sact": "no", "context.immunosuppressed": "no", "context.ici": "no"},
    {"temperature.checked": "yes", "temperature.value": "98.4", "temperature.value__unit": "[degF]",
     "generally_unwell": "false", "infection": "none"},
    {"nausea": "none", "vomiting": "0", "diarrhoea.extra": "0", "constipation.days": "0"},
    {"mouth": "none", "appetite": "usual"},
    {"skin.rash": "none", "skin.problems": ["none"]},
    {"pain": "none", "nerve": "none"},
    {"fatigue": "none", "eye": "none", "urinary": "none"},
    {"other": ""},
]


def step_of(link_id):
    for step in DEFINITION.steps:
        if any(i.link_id == link_id or link_id.startswith(i.link_id) for i in step.items):
            return step.index
    item = DEFINITION.by_link_id[link_id.split("__")[0]]
    while item.parent is not None:
        item = item.parent
    return next(s.index for s in DEFINITION.steps if item in s.items)


def answers(**changes):
    """CALM with some answers changed, by form field name, e.g. answers(**{"skin.rash": "palm"})."""
    steps = [dict(s) for s in CALM]
    for name, value in changes.items():
        index = step_of(name.split("__unit")[0])
        steps[index][name] = value
    return steps


def post_step(client, step, data):
    return client.post(CHECK, {**data, "_step": str(step), "_action": "continue"})


def take_check(client, steps=None, *, start=True, context_from_profile=False):
    """Answer every step; return the last response (a redirect to the result)."""
    steps = steps if steps is not None else CALM
    if start:
        assert client.get(CHECK + "?restart=1").status_code == 200
    response = None
    for index, data in enumerate(steps):
        if context_from_profile and index == 1:
            data = {}
        response = post_step(client, index, data)
        assert response.status_code == 303, text(response)[:3000]
    return response


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def main_text(response):
    body = response.content.decode()
    main = body[body.index('<main id="main-content"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()

