"""`careguide import-questionnaire FILE.json [FILE.json ...]`: load FHIR R4 Questionnaires.

Every file is checked before anything is written, and all are written in one
transaction: an invalid file (named in the message, with the element at fault) leaves
the database as it was.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careguide.questionnaires import versions


class Command(BaseCommand):
    help = "Import FHIR R4 Questionnaire JSON files (re-importing the same file changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Questionnaire JSON files")

    def handle(self, *args, files, **options):
        resources = []
        for name in files:
            path = Path(name)
            try:
                resource = json.loads(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"{name}: cannot read the file ({exc.strerror}). Nothing was imported.") from exc
            except ValueError as exc:
                raise CommandError(f"{name}: not valid JSON ({exc}). Nothing was imported.") from exc
            try:
                versions.check_questionnaire(resource)
            except versions.QuestionnaireInvalid as exc:
                raise CommandError(self._problems(name, exc.issues)) from exc
            resources.append((name, resource))
        results = []
        with transaction.atomic():
            for name, resource in resources:
                try:
                    results.append((name, versions.import_questionnaire(resource)))
                except versions.VersionConflict as exc:
                    raise CommandError(f"{name}: {exc} Nothing was imported.") from exc
        for name, result in results:
            questionnaire = result.questionnaire
            label = questionnaire.title or questionnaire.name or name
            version = f", version {questionnaire.version}" if questionnaire.version else ""
            waiting = " (waiting for clinical review)" if questionnaire.review_status == "pending" else ""
            self.stdout.write(f"{result.action} {questionnaire.fhir_id} ({label}{version}) from {name}{waiting}")
            for warning in result.warnings:
                self.stdout.write(f"  warning: {warning.diagnostics}")

    @staticmethod
    def _problems(name, issues) -> str:
        lines = [f"{name}: not a valid questionnaire. Nothing was imported."]
        lines += [f"  {issue.diagnostics}" for issue in issues]
        return "\n".join(lines)
