"""Clinical rules cannot change in place (issue 14, item 2). Pure: no Django.

Each rule file names its version. `rules/signed-off.yaml` lists every version the clinical owner
signed off, with the SHA-256 of the file's content (the parsed YAML, so a comment may change
but no rule, threshold, label or sentence may). A rule file whose version is not listed, or whose
content differs from what was signed off under that version, stops the deployment at start-up
(careguide.triage.checks) with a message saying which file and what to do.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from careguide.core import signoffs
from careguide.triage.engine import RULES_DIR

SIGN_OFF_FILE = RULES_DIR / "signed-off.yaml"


def content_digest(path: Path | str) -> str:
    """SHA-256 of a rule file's content: its YAML as canonical JSON (comments do not count)."""
    return signoffs.digest(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def identity(path: Path | str) -> tuple[str, str]:
    """(rule set id, version) as the file states them."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return str(data.get("id", "")), str(data.get("version", ""))


def read(path: Path | str = SIGN_OFF_FILE) -> dict[tuple[str, str], signoffs.SignOff]:
    """{(rule set, version): SignOff}; ValueError names the entry and field at fault."""
    return signoffs.read(path, "rule_set")


def problems(rule_files, sign_off_file: Path | str = SIGN_OFF_FILE) -> list[str]:
    """Why these rule files must not be used (empty when every one is signed off as it is)."""
    try:
        signed = read(sign_off_file)
    except ValueError as exc:
        return [str(exc)]
    found = []
    for path in rule_files:
        path = Path(path)
        rule_set, version = identity(path)
        entry = signed.get((rule_set, version))
        if entry is None:
            found.append(f"{path.name}: {rule_set} version {version} is not signed off in {Path(sign_off_file).name}. "
                         "Have the clinical owner sign off the new version and add it there.")
        elif entry.sha256 != content_digest(path):
            found.append(f"{path.name}: {rule_set} version {version} differs from the version signed off on "
                         f"{entry.on}. A change to a rule is a new version: bump `version` and `effective`, "
                         "and have it signed off.")
    return found
