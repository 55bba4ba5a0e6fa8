"""Clinical rules cannot be changed in place (issue 14, item 2): a rule file runs only as a
version the clinical owner signed off (careguide/triage/rules/signed-off.yaml); a changed rule
under the same version stops the deployment at start-up, naming the file."""

import re
import shutil

import pytest
from django.core.management import call_command

from careguide.triage import checks, signoff
from careguide.triage.back_pain import BooleanTool
from careguide.triage.engine import RULES_DIR
from careguide.triage.tools import TOOLS

SIDE_EFFECTS = RULES_DIR / "side_effects.yaml"
BACK_PAIN = RULES_DIR / "back_pain.yaml"


def copy(tmp_path, source, change=None):
    target = tmp_path / source.name
    shutil.copy(source, target)
    if change is not None:
        target.write_text(change(target.read_text()))
    return target


def test_the_shipped_rule_files_are_signed_off_as_they_are():
    assert signoff.problems([SIDE_EFFECTS, BACK_PAIN]) == []
    call_command("check")  # raises SystemCheckError on any error


def test_a_changed_threshold_under_the_same_version_is_refused(tmp_path):
    text = SIDE_EFFECTS.read_text()
    assert "  fever_c:\n    value: 37.5\n" in text
    changed = copy(tmp_path, SIDE_EFFECTS,
                   lambda t: t.replace("  fever_c:\n    value: 37.5\n", "  fever_c:\n    value: 38.0\n", 1))
    (problem,) = signoff.problems([changed])
    assert problem.startswith("side_effects.yaml: side-effect-triage version")
    assert "differs from the version signed off" in problem and "bump `version`" in problem


def test_a_comment_may_change(tmp_path):
    changed = copy(tmp_path, SIDE_EFFECTS, lambda t: "# A note for the next reader.\n" + t)
    assert signoff.problems([changed]) == []


def test_a_new_version_runs_only_once_it_is_signed_off(tmp_path):
    changed = copy(tmp_path, BACK_PAIN, lambda t: re.sub(r'(?m)^version: "[^"]+"', 'version: "2026.12.9"', t, count=1))
    (problem,) = signoff.problems([changed])
    assert "version 2026.12.9 is not signed off" in problem
    sign_offs = tmp_path / "signed-off.yaml"
    sign_offs.write_text(
        f'- {{rule_set: back-pain-red-flags, version: "2026.12.9", sha256: {signoff.content_digest(changed)},'
        f" signed_off_by: Clinical safety lead, signed_off_on: 2026-12-03}}\n")
    assert signoff.problems([changed], sign_offs) == []


def test_start_up_stops_on_a_rule_changed_in_place(tmp_path, monkeypatch):
    changed = copy(tmp_path, BACK_PAIN, lambda t: t.replace("label: Call your doctor today.",
                                                            "label: Call your doctor this week.", 1))
    monkeypatch.setitem(TOOLS, "back-pain", BooleanTool("back-pain", changed))
    errors = checks.rule_files()
    assert [e.id for e in errors] == ["triage.E003"]
    assert "back_pain.yaml" in errors[0].msg and "differs from the version signed off" in errors[0].msg


@pytest.mark.parametrize("entry, message", [
    ("- {rule_set: x, version: '1'}\n", "entry 1: sha256, signed_off_by, signed_off_on missing"),
    ("rule_set: x\n", "must be a list"),
])
def test_a_broken_sign_off_file_is_named(tmp_path, entry, message):
    sign_offs = tmp_path / "signed-off.yaml"
    sign_offs.write_text(entry)
    (problem,) = signoff.problems([BACK_PAIN], sign_offs)
    assert message in problem
