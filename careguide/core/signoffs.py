"""Clinical sign-offs (ADR 0021): a version of clinical content, a rule file or a questionnaire,
is used only as a clinical owner signed it off. A sign-off file is a YAML list of entries naming
the content (``subject_field``: ``rule_set`` or ``url``), its version, the SHA-256 of its content
(``digest``) and who signed it off and when. Pure: no Django."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

REQUIRED = ("version", "sha256", "signed_off_by", "signed_off_on")


@dataclass(frozen=True)
class SignOff:
    subject: str  # the rule set's id or the questionnaire's url
    version: str
    sha256: str
    by: str
    on: str


def digest(data) -> str:
    """SHA-256 of content as canonical JSON (sorted keys; dates as text), so the layout, key order
    and comments of the file it came from do not count."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def read(path: Path | str, subject_field: str) -> dict[tuple[str, str], SignOff]:
    """{(subject, version): SignOff} from a sign-off file (none if there is no file); ValueError
    names the file, the entry and the field at fault."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: must be a list of signed-off versions")
    found: dict[tuple[str, str], SignOff] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}: entry {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping")
        missing = [k for k in (subject_field, *REQUIRED) if not entry.get(k)]
        if missing:
            raise ValueError(f"{where}: {', '.join(missing)} missing")
        sha256 = str(entry["sha256"])
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"{where}: sha256 must be 64 lower-case hex digits")
        key = (str(entry[subject_field]), str(entry["version"]))
        if key in found:
            raise ValueError(f"{where}: {key[0]} version {key[1]} is listed twice")
        found[key] = SignOff(*key, sha256, str(entry["signed_off_by"]), str(entry["signed_off_on"]))
    return found
