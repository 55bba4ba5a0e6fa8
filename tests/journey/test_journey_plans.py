"""Treatment plan templates: the data files (errors name file and field; plain words; links and
side effects that exist) and the pure expansion into dated phases, with property tests."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from careguide.journey import catalog, plans
from careguide.library.content.files import ContentError
from careguide.library.readability import MAX_GRADE, grade

CONTENT = Path(settings.CONTENT_DIR)
TEMPLATES = catalog.read_templates(CONTENT)
DAY = dt.timedelta(days=1)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 31))

GOOD = """\
id: {name}
version: 1
title: A plan
summary: A short plan.
source: "Seed 001."
parameters:
  - {{key: weeks, label: Weeks, default: 2, minimum: 1, maximum: 4}}
phases:
  - key: first
    title: First
    purpose: The first part.
    schedule: {{kind: span, weeks: {{param: weeks}}}}
    library: /treatments/surgery/
    side_effects: [fatigue]
"""


def write(tmp_path, text, name="a-plan"):
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "side-effects.yaml").write_text("side_effects:\n  - slug: fatigue\n")
    path = tmp_path / "plans" / f"{name}.yaml"
    path.write_text(text)
    return path


# --- the files ---------------------------------------------------------------------------------

def test_the_five_templates_load():
    assert set(TEMPLATES) == {"all-treatment", "radiation-course", "chemotherapy-cycles", "bone-cancer-surgery",
                              "stem-cell-transplant"}


def test_a_good_file_loads(tmp_path):
    write(tmp_path, GOOD.format(name="a-plan"))
    assert catalog.read_templates(tmp_path)["a-plan"].phases[0].key == "first"


@pytest.mark.parametrize("change, field, message", [
    (("    schedule: {kind: span, weeks: {param: weeks}}\n", "    schedule: {kind: span}\n"),
     "phases[0].schedule.span", "give either days or weeks"),
    (("{param: weeks}", "{param: months}"), "(file)", "'months' is not an integer parameter"),
    (("    library: /treatments/surgery/\n", "    library: https://example.org/\n"),
     "phases[0].library", "String should match pattern"),
    (("[fatigue]", "[fatigue, hiccups]"), "phases[0].side_effects[1]", "'hiccups' is not a side effect"),
    (("default: 2", "default: 9"), "parameters[0]", "default must be a whole number between minimum and maximum"),
    (("version: 1\n", ""), "version", "Field required"),
    (("    purpose: The first part.\n", "    purpose: The first part.\n    colour: blue\n"),
     "phases[0].colour", "Extra inputs are not permitted"),
])
def test_a_bad_file_names_the_file_and_the_field(tmp_path, change, field, message):
    write(tmp_path, GOOD.format(name="a-plan").replace(*change))
    with pytest.raises(ContentError) as caught:
        catalog.read_templates(tmp_path)
    assert caught.value.path == "plans/a-plan.yaml"
    assert caught.value.field == field
    assert message in caught.value.message


def test_the_id_must_match_the_file_name(tmp_path):
    write(tmp_path, GOOD.format(name="other"), name="a-plan")
    with pytest.raises(ContentError, match=r"plans/a-plan.yaml: id: must match the file name"):
        catalog.read_templates(tmp_path)


def test_broken_yaml_names_the_line(tmp_path):
    write(tmp_path, "id: a-plan\nphases: [\n")
    with pytest.raises(ContentError) as caught:
        catalog.read_templates(tmp_path)
    assert caught.value.field.startswith("line ")


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=list(TEMPLATES))
def test_what_a_patient_reads_is_plain(template):
    # Graded as the timeline shows them, one after another (a one-word title alone has no grade
    # worth the name: "Induction" scores 20).
    assert grade([template.summary] + [p.purpose for p in template.phases]) <= MAX_GRADE
    for phase in template.phases:
        assert grade([phase.purpose]) <= MAX_GRADE, (template.id, phase.key)


@pytest.mark.django_db
@pytest.mark.parametrize("template", TEMPLATES.values(), ids=list(TEMPLATES))
def test_each_library_link_lands_on_a_live_page_and_section(template):
    from careguide.library.models import LibraryPage
    from careguide.search.sections import anchor_map

    pages = {p.url: p for p in LibraryPage.objects.live().specific()}
    for phase in template.phases:
        path, _, anchor = phase.library.partition("#")
        assert path in pages, (phase.key, path)
        if anchor:
            assert anchor in anchor_map(pages[path]).values(), (phase.key, phase.library)


# --- the expansion -----------------------------------------------------------------------------

def test_radiation_is_every_weekday_for_the_weeks_asked():
    phases = plans.expand(TEMPLATES["radiation-course"], dt.date(2026, 3, 2), {"weeks": 5})
    radiation = phases[0]
    assert radiation.kind == "weekdays" and len(radiation.sessions) == 25
    assert (radiation.start, radiation.end) == (dt.date(2026, 3, 2), dt.date(2026, 4, 3))
    assert phases[1].start == dt.date(2026, 4, 4)


def test_radiation_asked_to_start_on_a_saturday_starts_on_monday():
    radiation = plans.expand(TEMPLATES["radiation-course"], dt.date(2026, 3, 7))[0]
    assert radiation.start == dt.date(2026, 3, 9)


def test_chemotherapy_timing_decides_the_phases():
    template = TEMPLATES["chemotherapy-cycles"]
    keys = {timing: [p.key for p in plans.expand(template, dt.date(2026, 3, 2), {"timing": timing})]
            for timing in ("before", "after", "both")}
    assert keys == {"before": ["chemo-before-surgery"], "after": ["chemo-after-surgery"],
                    "both": ["chemo-before-surgery", "surgery-and-healing", "chemo-after-surgery"]}


def test_transplant_recovery_runs_to_day_100():
    phases = {p.key: p for p in plans.expand(TEMPLATES["stem-cell-transplant"], dt.date(2026, 3, 2))}
    assert phases["first-100-days"].end == phases["transplant-day"].start + 100 * DAY


def test_all_central_nervous_system_treatment_runs_alongside_all_three_phases():
    phases = {p.key: p for p in plans.expand(TEMPLATES["all-treatment"], dt.date(2026, 3, 2))}
    cns = phases["cns-treatment"]
    assert cns.alongside
    assert (cns.start, cns.end) == (phases["induction"].start, phases["maintenance"].end)
    assert phases["induction"].days == 28


@pytest.mark.parametrize("given_params, field", [
    ({"weeks": 9}, "weeks"), ({"weeks": "many"}, "weeks"), ({"colour": 1}, "colour"),
])
def test_parameters_outside_the_template_are_refused(given_params, field):
    with pytest.raises(plans.ParameterError) as caught:
        plans.expand(TEMPLATES["radiation-course"], dt.date(2026, 3, 2), given_params)
    assert caught.value.field == field


def test_moved_dates_keep_treatment_days_on_weekdays_and_cycles():
    assert plans.sessions_between("weekdays", dt.date(2026, 3, 6), dt.date(2026, 3, 10)) == [
        dt.date(2026, 3, 6), dt.date(2026, 3, 9), dt.date(2026, 3, 10)]
    assert plans.sessions_between("cycles", dt.date(2026, 3, 1), dt.date(2026, 4, 30), 21) == [
        dt.date(2026, 3, 1), dt.date(2026, 3, 22), dt.date(2026, 4, 12)]


# --- properties --------------------------------------------------------------------------------

def params_for(template):
    return st.fixed_dictionaries({
        p.key: (st.integers(p.minimum, p.maximum) if p.kind == "integer"
                else st.sampled_from([c.value for c in p.choices]))
        for p in template.parameters
    })


@st.composite
def expansions(draw):
    template = draw(st.sampled_from(list(TEMPLATES.values())))
    start = draw(dates)
    params = draw(params_for(template))
    return template, start, params, plans.expand(template, start, params)


@hyp_settings(max_examples=300, deadline=None)
@given(expansions())
def test_sequential_phases_follow_each_other_without_gaps_or_overlaps(case):
    template, start, _params, phases = case
    sequential = sorted((p for p in phases if not p.alongside), key=lambda p: p.position)
    assert sequential, template.id
    assert [p.position for p in sequential] == sorted(p.position for p in sequential)
    assert sequential[0].start - start < 3 * DAY  # only a weekend before radiation
    for before, after in zip(sequential, sequential[1:], strict=False):
        gap = (after.start - before.end).days
        if after.kind == "weekdays":
            assert 1 <= gap <= 3 and all((before.end + n * DAY).weekday() >= 5 for n in range(1, gap))
        else:
            assert gap == 1, (template.id, before.key, after.key)
    for phase in phases:
        assert phase.start <= phase.end
    assert [plans.order_key(p) for p in phases] == sorted(plans.order_key(p) for p in phases)


@hyp_settings(max_examples=200, deadline=None)
@given(dates, st.integers(1, 8))
def test_radiation_days_are_weekdays_and_five_a_week(start, weeks):
    radiation = plans.expand(TEMPLATES["radiation-course"], start, {"weeks": weeks})[0]
    assert len(radiation.sessions) == 5 * weeks
    assert all(day.weekday() < 5 for day in radiation.sessions)
    assert list(radiation.sessions) == sorted(set(radiation.sessions))
    assert (radiation.start, radiation.end) == (radiation.sessions[0], radiation.sessions[-1])
    # No weekday is skipped between the first and the last treatment day.
    assert plans.sessions_between("weekdays", radiation.start, radiation.end) == list(radiation.sessions)


@hyp_settings(max_examples=200, deadline=None)
@given(dates, st.integers(7, 42), st.integers(1, 12), st.sampled_from(["before", "after", "both"]))
def test_cycle_days_are_n_days_apart_and_m_of_them(start, every, count, timing):
    phases = plans.expand(TEMPLATES["chemotherapy-cycles"], start,
                          {"every_days": every, "cycles": count, "timing": timing})
    for phase in (p for p in phases if p.kind == "cycles"):
        assert len(phase.sessions) == count
        assert all((b - a).days == every for a, b in zip(phase.sessions, phase.sessions[1:], strict=False))
        assert phase.sessions[0] == phase.start
        assert phase.end == phase.sessions[-1] + (every - 1) * DAY


@hyp_settings(max_examples=200, deadline=None)
@given(dates, params_for(TEMPLATES["all-treatment"]))
def test_all_treatment_takes_two_to_three_years(start, params):
    phases = plans.expand(TEMPLATES["all-treatment"], start, params)
    total = (max(p.end for p in phases) - min(p.start for p in phases)).days + 1
    assert 2 * 365 <= total <= 3 * 365
    by_key = {p.key: p for p in phases}
    assert by_key["maintenance"].days == max(p.days for p in phases if not p.alongside)


def test_status_on_a_day():
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 6)
    assert [plans.status_on(start, end, start + n * DAY) for n in (-1, 0, 4, 5)] == [
        plans.NOT_STARTED, plans.IN_PROGRESS, plans.IN_PROGRESS, plans.COMPLETED]
