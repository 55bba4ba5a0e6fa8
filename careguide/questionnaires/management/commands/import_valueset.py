"""`careguide import-valueset FILE.json [FILE.json ...]`: load FHIR R4 ValueSets and CodeSystems
(or Bundles of them) into the local terminology store that questionnaires' answer lists
(answerValueSet) are read from (ADR 0033).

Every file is checked before anything is written, and all are written in one transaction: an
invalid file (named in the message, with the element at fault) leaves the store as it was.
"""

from django.core.management.base import BaseCommand, CommandError

from careguide.questionnaires import terminology


class Command(BaseCommand):
    help = "Import FHIR R4 ValueSet and CodeSystem JSON files (re-importing the same file changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="ValueSet, CodeSystem or Bundle JSON files")

    def handle(self, *args, files, **options):
        try:
            resources = [r for name in files for r in terminology.read_file(name)]
            results = terminology.import_resources(resources)
        except terminology.TerminologyInvalid as exc:
            lines = [issue.diagnostics for issue in exc.issues] + ["Nothing was imported."]
            raise CommandError("\n".join(lines)) from exc
        for (source, _, _), result in zip(resources, results, strict=True):
            stored = result.stored
            version = f", version {stored.version}" if stored.version else ""
            self.stdout.write(f"{result.action} {stored.resource_type} {stored.url}{version} from {source}")
            for warning in result.warnings:
                self.stdout.write(f"  warning: {warning.diagnostics}")
