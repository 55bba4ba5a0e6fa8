"""`careguide triage-eval CASES.jsonl` keeps the evaluation contract (clinical/triage-contract.md).

No test here asks for the database: pytest-django refuses any query, so a command that touched
the database would fail these tests.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from paths import EVAL

# A copy of shared/eval/triage/cases_dev.jsonl (see tests/data/eval/README.md), so a clone tests alone.
CASES = EVAL / "triage" / "cases_dev.jsonl"
CAREGUIDE = Path(sys.executable).with_name("careguide")


def back_pain_lines() -> list[str]:
    return [line for line in CASES.read_text().splitlines() if json.loads(line)["tool"] == "back-pain"]


def write(tmp_path, *lines: str) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("triage_eval", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("triage_eval", str(path), stdout=out, stderr=err)
    assert out.getvalue() == "", "nothing may reach stdout when a line is bad"
    return str(exc.value), err.getvalue()


def test_one_json_line_per_case_with_id_disposition_and_reasons(tmp_path):
    lines = back_pain_lines()
    out, _ = run(write(tmp_path, *lines))
    results = [json.loads(line) for line in out.splitlines()]
    cases = [json.loads(line) for line in lines]
    assert [r["id"] for r in results] == [c["id"] for c in cases]
    assert all(set(r) == {"id", "disposition", "reasons"} for r in results)
    assert [r["disposition"] for r in results] == [c["expected"] for c in cases]
    by_id = {r["id"]: r for r in results}
    assert by_id["bp-dev-001"]["reasons"] == []
    assert by_id["bp-dev-013"]["reasons"][0] == "bp-cancer-leg-symptoms"  # the emergency reason first
    assert by_id["bp-dev-018"]["reasons"] == ["bp-cancer-history", "bp-cleared-by-doctor"]


def test_the_summary_goes_to_stderr_with_counts_and_agreement(tmp_path):
    _, err = run(write(tmp_path, *back_pain_lines()))
    assert "20 case(s) evaluated" in err
    assert "emergency 5, urgent 3, see_doctor_first 8, proceed 4" in err
    assert "expected given for 20: 20 agree, 0 differ" in err


def test_expected_and_note_never_change_the_output_or_the_exit(tmp_path):
    honest = '{"id": "c1", "tool": "back-pain", "input": {"unexplained_fever": true}, "expected": "urgent"}'
    wrong = ('{"id": "c1", "tool": "back-pain", "input": {"unexplained_fever": true}, '
             '"expected": "proceed", "note": "the writer got this one wrong"}')
    bare = '{"id": "c1", "tool": "back-pain", "input": {"unexplained_fever": true}}'
    outputs = [run(write(tmp_path, line)) for line in (honest, wrong, bare)]
    assert outputs[0][0] == outputs[1][0] == outputs[2][0] == (
        '{"id": "c1", "disposition": "urgent", "reasons": ["bp-fever"]}\n')
    assert "1 differ" in outputs[1][1] and "line 1 c1: expected proceed, got urgent" in outputs[1][1]
    assert "expected given" not in outputs[2][1]


def test_blank_lines_are_skipped_but_counted(tmp_path):
    good = '{"id": "a", "tool": "back-pain", "input": {}}'
    out, _ = run(write(tmp_path, good, "", good.replace('"a"', '"b"')))
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]
    message, _ = fails(write(tmp_path, good, "", '{"id": "b", "tool": "back-pain", "input": {"leg": true}}'))
    assert "line 3: input.leg: unknown field" in message


def test_an_empty_file_is_zero_cases(tmp_path):
    out, err = run(write(tmp_path))
    assert out == "" and "0 case(s) evaluated" in err


GOOD = '{"id": "ok", "tool": "back-pain", "input": {"leg_weakness": true}}'


@pytest.mark.parametrize("bad, message", [
    ('{"id": "x", "tool": "back-pain", "input": {"leg_weakness": true}', "line 2: not valid JSON"),
    ('{"id": "x", "tool": "back-pain", "input": {"leg_wobble": true}}', "line 2: input.leg_wobble: unknown field"),
    ('{"id": "x", "tool": "back-pain", "input": {"saddle_numbness": "yes"}}',
     'line 2: input.saddle_numbness: must be true or false (a JSON boolean), got "yes"'),
    ('{"id": "x", "tool": "back-pain", "input": {"saddle_numbness": 1}}', "line 2: input.saddle_numbness: must be"),
    ('{"id": "x", "tool": "knee-pain", "input": {}}', 'line 2: tool: unknown tool "knee-pain"'),
    ('{"id": "x", "tool": "side-effects", "input": {"symptoms": {"mouth": 7}}}',
     "line 2: input.symptoms.mouth: must be a whole number from 0 to 4, got 7"),
    ('{"id": "x", "tool": "side-effects", "input": {"symptoms": {"temperature_c": 60}}}',
     "line 2: input.symptoms.temperature_c: must be from 30 to 45, got 60"),
    ('{"id": "x", "tool": "side-effects", "input": {"symptoms": {"vomiting_per_24h": -2}}}',
     "line 2: input.symptoms.vomiting_per_24h: must be 0 or more"),
    ('{"id": "x", "tool": "side-effects", "input": {"context": {"ici": "yes"}}}',
     'line 2: input.context.ici: must be true or false (a JSON boolean), got "yes"'),
    ('{"id": "x", "tool": "side-effects", "input": {"symptoms": {"fever": true}}}',
     "line 2: input.symptoms.fever: unknown field"),
    ('{"id": "x", "tool": "side-effect", "input": {}}',
     'line 2: tool: unknown tool "side-effect" (known: back-pain, side-effects)'),
    ('{"tool": "back-pain", "input": {}}', "line 2: id: missing"),
    ('{"id": "x", "tool": "back-pain", "input": {}, "expect": "proceed"}',
     "line 2: expect: unknown field (did you mean 'expected'?)"),
    ('{"id": "x", "tool": "back-pain", "inputs": {"saddle_numbness": true}}', "line 2: input: missing"),
    ('{"id": "x", "tool": "back-pain", "input": true}', "line 2: input: must be an object"),
    ('["x", "back-pain"]', "line 2: a case must be a JSON object"),
])
def test_a_bad_line_stops_everything_and_is_named(tmp_path, bad, message):
    text, _ = fails(write(tmp_path, GOOD, bad, GOOD.replace('"ok"', '"ok2"')))
    assert message in text
    assert "1 bad line(s), nothing evaluated" in text


def test_every_bad_line_is_reported_at_once(tmp_path):
    text, _ = fails(write(tmp_path, "{", GOOD, '{"id": "y", "tool": "back-pain", "input": {"cancer_history": 0}}'))
    assert "2 bad line(s)" in text
    assert "line 1: not valid JSON" in text and "line 3: input.cancer_history" in text


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read .*missing.jsonl"):
        call_command("triage_eval", str(tmp_path / "missing.jsonl"), stdout=StringIO(), stderr=StringIO())


def _careguide(*args, **env):
    return subprocess.run(
        [str(CAREGUIDE), "triage-eval", *args], capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "careguide.config.settings.test", **env},
    )


def test_the_installed_command_runs_without_a_database(tmp_path):
    # A database URL nobody listens on: any query would fail the run.
    no_db = {"DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none"}
    done = _careguide(str(write(tmp_path, *back_pain_lines())), **no_db)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == 20 and results[4] == {"id": "bp-dev-005", "disposition": "emergency",
                                                "reasons": ["bp-bladder-bowel-loss"]}
    assert "20 agree" in done.stderr


def test_the_installed_command_fails_on_a_bad_line_with_nothing_on_stdout(tmp_path):
    done = _careguide(str(write(tmp_path, GOOD, '{"id": "z", "tool": "back-pain", "input": {"fever": true}}')))
    assert done.returncode != 0
    assert done.stdout == ""
    assert "line 2: input.fever: unknown field" in done.stderr


def test_every_dev_case_of_both_tools_agrees_and_the_command_exits_0():
    done = _careguide(str(CASES))
    assert done.returncode == 0, done.stderr
    results = {r["id"]: r for r in map(json.loads, done.stdout.splitlines())}
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    assert len(results) == len(cases) == 50
    differ = {c["id"]: (c["expected"], results[c["id"]]["disposition"]) for c in cases
              if results[c["id"]]["disposition"] != c["expected"]}
    assert not differ
    assert "expected given for 50: 50 agree, 0 differ" in done.stderr
    assert "side-effects (rules 2026.11.2): emergency 3, red 14, amber 9, green 4" in done.stderr


def test_side_effect_results_carry_the_rule_ids_most_urgent_first(tmp_path):
    line = ('{"id": "se", "tool": "side-effects", "input": {"context": {"on_sact": true}, '
            '"symptoms": {"nerve": 1, "pain": 2, "temperature_c": 36.8}}}')
    out, err = run(write(tmp_path, line))
    assert json.loads(out) == {"id": "se", "disposition": "red",
                               "reasons": ["combined-two-ambers", "pain-moderate", "nerve-mild-tingling"]}
    assert "side-effects (rules 2026.11.2): emergency 0, red 1, amber 0, green 0" in err
