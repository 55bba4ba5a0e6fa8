"""Reading the content files every content kind keeps under content/: read the YAML, check it
against a pydantic model, and report the first problem as a ``ContentError`` naming the file
and the field (``weeks[2].exercises[0].stop_if``), or the line for bad YAML.

Used by the library (careguide/library/content/files.py), the back-pain program
(careguide/backpain/content.py), treatment plan templates (careguide/journey/catalog.py) and
procedure checklists (careguide/procedures/checklists.py) and the clinical rule files
(careguide/triage/engine.py, which reports every bad field rather than the first). No Django imports, so a writer can
check a file before anything runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

WHOLE_FILE = "(file)"


class ContentError(Exception):
    """A content file that cannot be used: which file, which field, and what is wrong."""

    def __init__(self, path: Path | str, field_name: str, message: str):
        self.path = str(path)
        self.field = field_name
        self.message = message
        super().__init__(f"{self.path}: {field_name}: {message}")


def field_path(loc: tuple | list) -> str:
    """A pydantic error location as a writer reads it: ``phases[2].schedule.weeks``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or WHOLE_FILE


def read_yaml(path: Path | str, name: Path | str, *, missing: str = "required file is missing") -> tuple[dict, str]:
    """The top-level mapping of a YAML file and its text. ``name`` is how errors name the file;
    ``missing`` what they say when there is no such file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ContentError(name, WHOLE_FILE, missing) from exc
    except UnicodeDecodeError as exc:
        raise ContentError(name, WHOLE_FILE, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ContentError(name, WHOLE_FILE, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else WHOLE_FILE
        raise ContentError(name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise ContentError(name, WHOLE_FILE, "expected a mapping of fields at the top level")
    return data, text


def validate(model: type[M], data: dict, name: Path | str) -> M:
    """``data`` checked against ``model``; the first problem as a ContentError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ContentError(name, field_path(first["loc"]), first["msg"]) from exc


def load(path: Path | str, model: type[M], name: Path | str | None = None, *,
         missing: str = "required file is missing") -> M:
    """One content file read and checked against ``model`` (``name``: the file's name in errors;
    by default its file name)."""
    path = Path(path)
    data, _text = read_yaml(path, path.name if name is None else name, missing=missing)
    return validate(model, data, path.name if name is None else name)
