from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careguide.accounts.roles import ensure_review_workflow
from careguide.library.content.files import ContentError
from careguide.library.content.loader import load_content
from careguide.questionnaires import terminology
from careguide.questionnaires.content import ContentRefused, load_folder
from careguide.search import indexer
from careguide.search.crisis import read_file
from careguide.search.synonyms import load_synonyms


class Command(BaseCommand):
    help = "Load content/ (pages, glossary, side effects, organization) into the site."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="content folder (default: content/)")

    def handle(self, *args, path=None, **options):
        root = Path(path) if path else settings.CONTENT_DIR
        try:
            report = load_content(root)
        except ContentError as exc:
            raise CommandError(f"{exc}\nNothing was written.") from exc
        ensure_review_workflow()
        self.stdout.write(self.style.SUCCESS(f"Loaded {root}: {report.summary()}"))
        self._load_terminology(root / "terminology")
        self._load_questionnaires(root / "questionnaires")
        self._load_search(root / "search")

    def _load_terminology(self, folder: Path):
        """The FHIR ValueSets and CodeSystems questionnaires' answer lists name (ADR 0033)."""
        try:
            loaded = terminology.load_folder(folder)
        except terminology.TerminologyInvalid as exc:
            raise CommandError(f"{exc}\nNo answer list was loaded.") from exc
        self.stdout.write(f"Answer lists: {sum(r.action == 'imported' for r in loaded)} imported, "
                          f"{sum(r.action == 'unchanged' for r in loaded)} unchanged")

    def _load_questionnaires(self, folder: Path):
        """The tools' questionnaires (FHIR JSON), e.g. the back-pain gate."""
        try:
            loaded = load_folder(folder)
        except ContentRefused as exc:
            raise CommandError(f"{exc}\nNo questionnaire was loaded.") from exc
        for name, action in loaded:
            self.stdout.write(f"Questionnaire {name}: {action}")

    def _load_search(self, folder: Path):
        """Editors' search synonyms, then the search index over everything just loaded."""
        synonyms = folder / "synonyms.yaml"
        if synonyms.exists():
            try:
                report = load_synonyms(synonyms)
            except ContentError as exc:
                raise CommandError(f"{exc}\nNo synonyms were written.") from exc
            self.stdout.write(f"Search synonyms: {report.summary()}")
        try:  # read by search at run time; a broken file must stop the load, not a search
            read_file(folder / "crisis.yaml")
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        indexed = indexer.rebuild()
        self.stdout.write(f"Search index: {indexed} entries")
