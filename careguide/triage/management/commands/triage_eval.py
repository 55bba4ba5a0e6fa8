"""`careguide triage-eval CASES.jsonl`: the triage evaluation contract (clinical/triage-contract.md).

stdout carries exactly one JSON line per case, {"id", "disposition", "reasons"}, in file order;
everything meant for people (the summary, errors) goes to stderr. The whole file is checked
before anything is evaluated: if any line is bad, every bad line is reported by number, stdout
stays empty and the exit status is 1, so a partial result can never pass for a complete one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from careguide.triage.contract import read_cases, split_lines
from careguide.triage.tools import TOOLS

MAX_DIFFERENCES_SHOWN = 10


class Command(BaseCommand):
    help = "Evaluate triage cases (JSON lines) against the rules; one JSON result per case on stdout."
    # Pure rule evaluation: no system checks, no migrations check, no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("cases", help="a JSON-lines file of cases, one per line")

    def handle(self, *args, cases: str, **options):
        path = Path(cases)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc

        parsed, errors = read_cases(split_lines(text))
        if errors:
            messages = [m for err in errors for m in err.messages]
            raise CommandError(
                f"{path}: {len(errors)} bad line(s), nothing evaluated:\n" + "\n".join(messages)
            )

        results = [(case, case.evaluate()) for case in parsed]
        # Written only once every case has been evaluated, so stdout is all or nothing.
        self.stdout.write("\n".join(
            json.dumps({"id": case.id, "disposition": r.disposition, "reasons": r.reasons}) for case, r in results
        ) + ("\n" if results else ""), ending="")
        self.stderr.write(self.summary(path, results), style_func=lambda s: s)

    def summary(self, path: Path, results) -> str:
        lines = [f"{path}: {len(results)} case(s) evaluated"]
        by_tool: dict[str, Counter] = {}
        for case, result in results:
            by_tool.setdefault(case.tool, Counter())[result.disposition] += 1
        for name, counts in by_tool.items():
            tool = TOOLS[name]
            shown = ", ".join(f"{d} {counts[d]}" for d in tool.dispositions)
            lines.append(f"  {name} (rules {tool.version}): {shown}")

        # Informational only: agreement with `expected` never changes the output or the exit code.
        compared = [(c, r) for c, r in results if isinstance(c.expected, str)]
        if compared:
            differ = [(c, r) for c, r in compared if r.disposition != c.expected]
            lines.append(f"  expected given for {len(compared)}: {len(compared) - len(differ)} agree, "
                         f"{len(differ)} differ")
            for c, r in differ[:MAX_DIFFERENCES_SHOWN]:
                lines.append(f"    line {c.line} {c.id}: expected {c.expected}, got {r.disposition}")
            if len(differ) > MAX_DIFFERENCES_SHOWN:
                lines.append(f"    ... and {len(differ) - MAX_DIFFERENCES_SHOWN} more")
        ids = Counter(c.id for c, _ in results)
        repeated = sorted(i for i, n in ids.items() if n > 1)
        if repeated:
            lines.append(f"  note: ids used more than once: {', '.join(repeated)}")
        return "\n".join(lines)
