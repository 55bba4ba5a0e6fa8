"""OperationOutcome: how every FHIR error (and warning) leaves this server."""

from __future__ import annotations

from careguide.questionnaires.engine import Issue

from .validation import FhirIssue


def from_engine_issue(issue: Issue) -> FhirIssue:
    """An engine issue as an OperationOutcome issue naming the linkId."""
    where = f" (linkId {issue.link_id})" if issue.link_id else ""
    expression = (issue.expression,) if issue.expression else ()
    return FhirIssue(issue.severity, _issue_code(issue.code), f"{issue.message}{where}", expression)


def _issue_code(code: str) -> str:
    known = {"invalid", "structure", "required", "value", "invariant", "business-rule", "code-invalid",
             "not-supported", "exception", "not-found", "security", "login", "forbidden", "processing"}
    return code if code in known else "invalid"


def operation_outcome(issues: list[FhirIssue]) -> dict:
    if not issues:
        issues = [FhirIssue("information", "informational", "All OK")]
    return {"resourceType": "OperationOutcome", "issue": [i.as_json() for i in issues]}


def single(severity: str, code: str, diagnostics: str, expression: str | None = None) -> dict:
    return operation_outcome([FhirIssue(severity, code, diagnostics, (expression,) if expression else ())])
