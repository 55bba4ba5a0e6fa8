"""``careguide bench-search FILE.jsonl``: our search against plain BM25 on a MedQuAD-format file,
in a database made for the run; prints one JSON object on stdout (careguide.search.bench)."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careguide.search import bench


class Command(BaseCommand):
    help = "Benchmark search on a MedQuAD-format JSONL file; prints one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSONL rows {doc_id, url, focus, qtype, question, answer}")
        parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                            help="where the run's temporary database lives (postgresql: a new "
                                 "database on the server of DATABASE_URL, dropped afterwards)")
        parser.add_argument("--queries", type=int, default=None,
                            help="ask this many questions, picked with --seed (default: every row's)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--synthetic", type=int, default=None, metavar="N",
                            help="add made-up passages shaped like the file's until there are N "
                                 "(for speed at scale; the file's questions are asked)")
        parser.add_argument("--no-synonyms", action="store_true",
                            help="do not load the editors' synonyms (content/search/synonyms.yaml)")

    def handle(self, *args, file: Path, database: str, queries, seed: int, synthetic, no_synonyms: bool, **options):
        try:
            import bm25s  # noqa: F401
        except ImportError as exc:
            raise CommandError("bench-search needs bm25s for its baseline: run `make bench-search`, "
                               "or `uv sync --group bench`") from exc
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
        if queries is not None and queries < 1:
            raise CommandError("--queries must be at least 1")
        synonyms = None if no_synonyms else Path(settings.CONTENT_DIR) / "search" / "synonyms.yaml"
        try:
            rows = bench.read_rows(file)
            result = bench.run(rows, vendor=database, queries=queries, seed=seed, synonyms_file=synonyms,
                               synthetic=synthetic, log=lambda message: self.stderr.write(message))
        except (bench.CorpusError, bench.BenchError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(bench.json_line(result))
