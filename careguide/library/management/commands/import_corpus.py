"""`careguide import-corpus FILE.jsonl`: other organisations' pages, read-only (ADR 0017)."""

from django.core.management.base import BaseCommand, CommandError

from careguide.library.syndication import DEFAULT_SOURCE_NAME, CorpusError, import_corpus, plan, read_corpus


class Command(BaseCommand):
    help = (
        "Import a corpus file (JSON Lines: doc_id, url, focus, qtype, question, answer) as "
        "read-only library pages: one page per doc_id, one section per row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .jsonl file")
        parser.add_argument(
            "--source-name", default=DEFAULT_SOURCE_NAME,
            help=f"who wrote the documents, shown on every page (default: {DEFAULT_SOURCE_NAME})",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and say what would change")
        parser.add_argument(
            "--withdraw-missing", action="store_true",
            help="unpublish the pages of this source (--source-name) that are not in the file; "
                 "importing them again publishes them again",
        )

    def handle(self, *args, file, source_name, dry_run, withdraw_missing, **options):
        source_name = " ".join(source_name.split())
        if not source_name:
            raise CommandError("--source-name must not be empty")
        try:
            corpus = read_corpus(file)  # every line checked before anything is written
        except CorpusError as exc:
            raise CommandError(f"{exc}\nNothing was written.") from exc
        found = f"{file}: {len(corpus.documents)} documents, {corpus.rows} rows"
        if dry_run:
            report = plan(corpus, source_name, withdraw=withdraw_missing)
            self.stdout.write(f"{found}. Dry run, nothing written; would be: {report.summary()}")
        else:
            report = import_corpus(corpus, source_name, withdraw=withdraw_missing)
            self.stdout.write(self.style.SUCCESS(f"{found}. Imported: {report.summary()}"))
        if report.withdrawn:
            self.stdout.write(("Would withdraw: " if dry_run else "Withdrawn: ") + _some(report.withdrawn))
        if report.left_alone:
            self.stdout.write("Not in this file (left as they are): " + _some(report.left_alone))


def _some(doc_ids: list[str], most: int = 20) -> str:
    """The first ``most`` ids and how many more: a large library would bury the summary."""
    more = len(doc_ids) - most
    return ", ".join(doc_ids[:most]) + (f" and {more} more" if more > 0 else "")
