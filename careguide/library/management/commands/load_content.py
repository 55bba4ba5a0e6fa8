from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careguide.library.content.files import ContentError
from careguide.library.content.loader import load_content


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
        from careguide.accounts.roles import ensure_review_workflow

        ensure_review_workflow()
        self.stdout.write(self.style.SUCCESS(f"Loaded {root}: {report.summary()}"))
