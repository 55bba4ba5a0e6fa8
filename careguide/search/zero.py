"""Queries that found nothing, counted for editors ("Searches with no results" report).

Only the normalised text of the query and a count are kept: never the account, the session
or the IP address, so a row cannot be traced back to a person. The same words from many
people become one row with a higher count.
"""

from __future__ import annotations

import logging
import unicodedata

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from .models import ZeroResultQuery

MAX_LENGTH = 200  # ZeroResultQuery.query's max_length

logger = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """Lowercased, whitespace collapsed, at most 200 characters: "Bone  MEts" -> "bone mets".
    Control characters (NUL from a "%00" search among them) become spaces: no database,
    spreadsheet or editor can use them."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return " ".join(text.lower().split())[:MAX_LENGTH].strip()


def record(query: str, *, using: str = "default") -> None:
    """Count one search for ``query`` that found nothing.

    update_or_create runs in its own transaction (a savepoint inside a request's) with the
    row locked, and the count goes up in SQL (F()), so two requests at once add two. A failed
    write never breaks the search page: the report is a nice-to-have, the answer is not.
    """
    text = normalise(query)
    if not text:
        return
    try:
        ZeroResultQuery.objects.using(using).update_or_create(
            query=text,
            defaults={"count": F("count") + 1, "last_seen": timezone.now()},
            create_defaults={"count": 1},
        )
    except DatabaseError as exc:
        # The query text is health data: the log names the error type only.
        logger.warning("could not record a zero-result search (%s)", type(exc).__name__)
