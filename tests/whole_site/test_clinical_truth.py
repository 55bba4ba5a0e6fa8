"""One clinical truth (issue 14, item 3; ADR 0022): every threshold and time frame a person reads
agrees with the side-effect rules in force.

Every live library page, side-effect entry, glossary entry, procedure checklist and its PDF, the
diary PDF, the reminder email, every program lesson and a result page for every rule are
rendered as a person gets them; ``careguide.triage.claims`` finds each "call now / within 24
hours if ..." claim about a temperature, a number of times throwing up, extra stools or days
without a bowel movement, and asks the rule engine whether it holds.
"""

import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from careguide.triage import claims
from careguide.triage.back_pain import back_pain_rules
from careguide.triage.deployment import clinical_values, side_effects_tool

pytestmark = pytest.mark.django_db


def allowed_time_frames() -> set[str]:
    """The time frames the rule files themselves use: their dispositions and reasons."""
    tool = side_effects_tool()
    texts = [d.label for d in tool.rules.dispositions] + [tool.why(r.id) for r in tool.rules.all_rules()]
    bp = back_pain_rules()
    texts += [d.label for d in bp.dispositions] + [r.why for r in bp.rules]
    return claims.time_frames_of(texts)


def problems_in(passages) -> list[str]:
    return [str(p) for p in claims.check(clinical_values(), passages, allowed_time_frames())]


def html_passages(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return claims.passages_from_html(response.content.decode(), url)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_agrees(passages):
    passages = list(passages)
    assert passages, "nothing was read"
    found = problems_in(passages)
    assert not found, f"{len(found)} statements disagree with the rules:\n" + "\n".join(found)


# --- the checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize("text, action", [
    ("You have a fever of 100.4°F (38°C) or higher, or chills.", "now"),  # the checklists' old words
    ("You throw up 3 or more times in a day, or you cannot keep fluids down.", "now"),
    ("You have any new diarrhea during treatment.", "now"),
    ("Call us within 24 hours if your temperature is 99.5°F (37.5°C) or higher.", None),
    ("Your temperature is 100.4°F (37.5°C) or higher.", "now"),  # °F and °C disagree
    ("Your temperature is 101°F or higher.", "now"),  # no Celsius
    ("You have 4 or more extra stools a day.", "now"),  # only on immunotherapy
    ("Call us within 48 hours if you have a rash.", None),  # a time frame the rules never use
    ("You have not had a bowel movement for 2 days longer than usual.", "now"),
])
def test_the_checker_finds_statements_that_disagree_with_the_rules(text, action):
    assert problems_in([claims.Passage(text, "test", action)])


@pytest.mark.parametrize("text, action", [
    ("Your temperature is 99.5°F (37.5°C) or higher, or below 96.8°F (36°C).", "now"),
    ("You are not getting cancer medicines and your temperature is over 100.4°F (38°C).", "now"),
    ("You are not getting cancer medicines and your temperature is 99.5°F (37.5°C) to 100.4°F (38°C).",
     "within_24_hours"),
    ("You throw up 3 to 5 times in 24 hours.", "within_24_hours"),
    ("You throw up 6 or more times in 24 hours.", "now"),
    ("You throw up once or twice in a day.", "at_home"),
    ("You have had immunotherapy and you have 4 or more extra stools a day.", "now"),
    ("You have 1 to 3 more stools a day than usual.", "within_24_hours"),
    ("You have not had a bowel movement for 3 days longer than is normal for you.", "now"),
    ("Call your doctor today if you have back pain with a fever you cannot explain.", None),
])
def test_the_checker_accepts_what_the_rules_say(text, action):
    assert problems_in([claims.Passage(text, "test", action)]) == []


def test_the_rules_own_reasons_agree_with_themselves():
    # Every reason the engine gives, read in the action of its own level, must pass: the
    # checker's vocabulary reads the rules as the engine applies them.
    tool = side_effects_tool()
    action = {"emergency": "emergency", "red": "now", "amber": "within_24_hours", "green": "at_home"}
    passages = [claims.Passage(tool.why(r.id), r.id, action[r.level]) for r in tool.rules.all_rules()
                if r.id != "combined-two-ambers"]
    assert_agrees(passages)


# --- everything a person reads -----------------------------------------------------------------


def test_every_library_page_agrees_with_the_rules(client, live_pages):
    passages = []
    for page in live_pages:
        passages += html_passages(client, page.url)
    assert_agrees(passages)


def test_every_side_effect_and_glossary_entry_agrees_with_the_rules(client):
    from careguide.library.models import GlossaryPage, GlossaryTerm, SideEffect, SideEffectsPage

    effects = SideEffectsPage.objects.live().first().url
    glossary = GlossaryPage.objects.live().first().url
    passages = []
    for effect in SideEffect.objects.all():
        passages += html_passages(client, f"{effects}{effect.slug}/")
    for term in GlossaryTerm.objects.all():
        passages += html_passages(client, f"{glossary}{term.slug}/")
    assert_agrees(passages)


def test_every_checklist_page_and_pdf_agrees_with_the_rules(client):
    from careguide.procedures.checklists import registry

    passages = []
    for slug in registry():
        passages += html_passages(client, reverse("procedures:detail", args=[slug]))
        response = client.get(reverse("procedures:pdf", args=[slug]))
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(b"".join(response) if response.streaming else response.content)
        assert "When to call" in text
        passages += claims.passages_from_text(text, f"{slug}.pdf")
    assert_agrees(passages)


def test_the_reminder_email_and_the_diary_pdf_agree_with_the_rules():
    from careguide.diary import pdf as diary_pdf
    from careguide.procedures import reminders
    from careguide.procedures.checklists import registry

    passages = []
    for slug, checklist in registry().items():
        subject, body = reminders.message(checklist, procedure_date=dt.date(2027, 1, 5), first_name="Ana",
                                          phones=reminders._phones(), url="https://example.org/")
        passages += claims.passages_from_text(subject + "\n" + body, f"reminder email {slug}")
    content = diary_pdf.build(name="Ana", start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 14), series=[],
                              call_days=[(dt.date(2027, 1, 3), "red"), (dt.date(2027, 1, 9), "emergency")],
                              entry_days=2)
    passages += claims.passages_from_text(pdf_text(content), "diary summary PDF")
    assert_agrees(passages)


def test_every_program_lesson_agrees_with_the_rules():
    from careguide.backpain.content import program
    from careguide.triage.values import strings

    content = program()
    passages = [claims.Passage(text, f"back-pain-program.yaml {where}")
                for where, text in strings(content.model_dump())]
    passages += claims.passages_from_html(render_to_string("backpain/includes/when_to_get_help.html",
                                                           {"program": content}), "program: when to get help")
    assert_agrees(passages)


def _case_for(rule):
    """An answer set that reaches one rule (None for rules only escalation reaches)."""
    from careguide.triage.side_effects.schema import Band, FlagIs, GradeIn

    if not hasattr(rule, "when"):
        return None
    context = {c: True for c in rule.context_any[:1]}
    cond = rule.when[0]
    params = side_effects_tool().parameters
    if isinstance(cond, FlagIs):
        return {"context": context, "symptoms": {cond.flag: True}}
    if isinstance(cond, GradeIn):
        return {"context": context, "symptoms": {cond.grade: cond.in_[0]}}
    assert isinstance(cond, Band)

    def value(bound):
        return params[bound[1:]] if isinstance(bound, str) else bound

    if cond.at_least is not None:
        v = value(cond.at_least)
    elif cond.above is not None:
        v = value(cond.above) + (0.1 if cond.band == "temperature_c" else 1)
    else:
        v = value(cond.below if cond.below is not None else cond.at_most) - (0.1 if cond.band == "temperature_c" else 1)
    if cond.band != "temperature_c":
        v = int(v)
    return {"context": context, "symptoms": {cond.band: round(v, 1) if isinstance(v, float) else v}}


def test_every_result_page_and_care_card_agrees_with_the_rules(rf):
    from careguide.sideeffects import guidance

    tool = side_effects_tool()
    passages = []
    for rule in tool.rules.all_rules():
        case = _case_for(rule)
        if case is None:
            continue
        result = tool.evaluate(tool.parse_input(case))
        for notes in ({}, {"temperature_not_checked": True}):
            html = render_to_string("sideeffects/includes/guidance.html",
                                    {"guidance": guidance.build(result, case, notes), "heading_level": 1})
            passages += claims.passages_from_html(html, f"result for {rule.id} {notes or ''}")
    assert_agrees(passages)


# --- the tokens follow the rules in force ----------------------------------------------------


def test_a_deployment_fever_limit_changes_every_page_that_names_it(client):
    from careguide.library.models import TreatmentPage

    chemo = TreatmentPage.objects.live().get(slug="chemotherapy").url
    assert "99.5°F (37.5°C)" in client.get(chemo).content.decode()
    with override_settings(TRIAGE_SIDE_EFFECT_PARAMETERS={"fever_c": 38.0}):
        from django.core.cache import cache

        cache.clear()
        html = client.get(chemo).content.decode()
        assert "100.4°F (38°C) or higher" in html and "99.5°F (37.5°C) or higher" not in html
        assert_agrees(claims.passages_from_html(html, chemo))
        checklist = client.get(reverse("procedures:detail", args=["chemotherapy-infusion"])).content.decode()
        assert "100.4°F (38°C) or higher" in checklist


def test_content_with_an_unknown_token_is_refused_naming_file_and_field(tmp_path):
    import shutil

    from django.conf import settings

    from careguide.library.content.files import ContentError, read_content

    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    path = root / "side-effects.yaml"
    text = path.read_text()
    assert '"You throw up {vomits:now} times in 24 hours."' in text
    path.write_text(text.replace('"You throw up {vomits:now} times', '"You throw up {vomits:soon} times', 1))
    errors: list[ContentError] = []
    read_content(root, errors=errors)
    assert any("side-effects.yaml" in str(e) and "vomits:soon" in str(e) for e in errors), errors
