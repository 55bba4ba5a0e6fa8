"""What the engine reports: one issue per problem, naming the item (linkId) it concerns."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """A problem with a questionnaire or a response.

    `message` is plain English a patient can act on; `link_id` names the item; `anchor` is
    the item instance (the linkId, plus the instance numbers of enclosing repeating groups)
    and doubles as the HTML field name; `expression` locates it in the resource (FHIRPath).
    `code` is a FHIR issue-type code (required, value, structure, code-invalid, ...).
    """

    message: str
    link_id: str | None = None
    code: str = "invalid"
    severity: str = ERROR
    anchor: str | None = None
    expression: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class QuestionnaireError(ValueError):
    """The questionnaire itself cannot be used: `issues` say where and why."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.link_id or '-'}: {i.message}" for i in issues))
