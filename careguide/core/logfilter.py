"""WithholdExceptionText: no health data in logs through a traceback (ADR 0023).

An exception's message can repeat what a person sent: KeyError('fever_chills'), "invalid
literal for int(): '39.4'", a database error quoting the JSON of someone's answers. The server
log keeps what finding the bug needs (the exception types, the file, line and code of each
frame) and withholds every exception message in the chain.
"""

from __future__ import annotations

import logging
import traceback

WITHHELD = "(message withheld: it may hold what a person sent)"


class WithholdExceptionText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = "".join(_format_without_messages(record.exc_info[1]))
            record.exc_info = None
        return True


def _format_without_messages(exc: BaseException) -> list[str]:
    formatted = traceback.TracebackException.from_exception(exc)
    seen, stack = set(), [formatted]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current._str = WITHHELD  # the message line; types and frames stay
        current.__notes__ = None
        for chained in (current.__cause__, current.__context__):
            if chained is not None:
                stack.append(chained)
        stack.extend(getattr(current, "exceptions", None) or [])
    return list(formatted.format())
