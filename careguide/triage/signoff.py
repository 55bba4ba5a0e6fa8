"""Clinical rules cannot change in place (issue 14, item 2). Pure: no Django.

Each rule file names its version. `rules/signed-off.yaml` lists every version the clinical owner
signed off, with the SHA-256 of the file's content (the parsed YAML, so a comment may change
but no rule, threshold, label or sentence may). A rule file whose version is not listed, or whose
content differs from what was signed off under that version, stops the deployment at start-up
(careguide.triage.checks) with a message saying which file and what to do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from careguide.triage.engine import RULES_DIR

SIGN_OFF_FILE = RULES_DIR / "signed-off.yaml"


@dataclass(frozen=True)
class SignOff:
    rule_set: str
    version: str
    sha256: str
    by: str
    on: str


def content_digest(path: Path | str) -> str:
    """SHA-256 of a rule file's content: its YAML as canonical JSON (comments do not count)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def identity(path: Path | str) -> tuple[str, str]:
    """(rule set id, version) as the file states them."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return str(data.get("id", "")), str(data.get("version", ""))


def read(path: Path | str = SIGN_OFF_FILE) -> dict[tuple[str, str], SignOff]:
    """{(rule set, version): SignOff}; ValueError names the entry and field at fault."""
    path = Path(path)
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.exists() else []
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: must be a list of signed-off versions")
    found: dict[tuple[str, str], SignOff] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}: entry {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping")
        missing = [k for k in ("rule_set", "version", "sha256", "signed_off_by", "signed_off_on") if not entry.get(k)]
        if missing:
            raise ValueError(f"{where}: {', '.join(missing)} missing")
        key = (str(entry["rule_set"]), str(entry["version"]))
        if key in found:
            raise ValueError(f"{where}: {key[0]} version {key[1]} is listed twice")
        found[key] = SignOff(*key, str(entry["sha256"]), str(entry["signed_off_by"]), str(entry["signed_off_on"]))
    return found


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
