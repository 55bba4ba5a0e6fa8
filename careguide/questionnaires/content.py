"""The questionnaires shipped in content/questionnaires/ (FHIR JSON), as `careguide load-content`
loads them. A triage-bound one goes live only with its clinical sign-off (signed-off.yaml, checked
against its content digest) and passing safety checks; a file changed under a version that is
already stored is refused (ADR 0021)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from . import bindings, versions

SIGN_OFF_FILE = "signed-off.yaml"


class ContentRefused(ValueError):
    """A questionnaire file that must not be loaded; the message names the file."""


@transaction.atomic
def load_folder(folder: Path) -> list[tuple[str, str]]:
    """Load every *.json in ``folder``; return (file name, action) pairs. All or nothing."""
    try:
        sign_offs = versions.read_sign_offs(folder / SIGN_OFF_FILE)
    except ValueError as exc:
        raise ContentRefused(str(exc)) from exc
    done = []
    for path in sorted(folder.glob("*.json")):
        try:
            resource = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ContentRefused(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
        url, version = resource.get("url", ""), str(resource.get("version", ""))
        sign_off = sign_offs.get((url, version))
        if bindings.is_bound(url) and sign_off is None:
            raise ContentRefused(f"{path}: version {version} of this triage questionnaire is not signed off in "
                                 f"{folder / SIGN_OFF_FILE}. A changed questionnaire is a new version.")
        try:
            result = versions.import_questionnaire(resource, sign_off=sign_off)
        except (versions.QuestionnaireInvalid, versions.VersionConflict) as exc:
            raise ContentRefused(f"{path}: {exc}") from exc
        done.append((path.name, result.action))
    return done
