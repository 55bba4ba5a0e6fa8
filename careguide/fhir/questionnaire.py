"""Questionnaire: create (staff), read and search by url."""

from __future__ import annotations

from django.urls import reverse

from careguide.questionnaires import bindings, versions
from careguide.questionnaires.models import Questionnaire

from .http import FhirError, absolute, fhir_response, fhir_view, read_body, require_signed_in

ADD_PERMISSION = "questionnaires.add_questionnaire"
CHANGE_PERMISSION = "questionnaires.change_questionnaire"
MAX_RESULTS = 200  # questionnaires are few; a search returns them in one page


def _location(request, questionnaire: Questionnaire) -> str:
    return absolute(request, reverse("fhir:questionnaire", args=[questionnaire.fhir_id]))


def _headers(request, questionnaire: Questionnaire) -> dict:
    return {"ETag": f'W/"{questionnaire.version_id}"', "Location": _location(request, questionnaire)}


@fhir_view("GET", "HEAD", "POST")
def questionnaire_type(request):
    if request.method == "POST":
        return create(request)
    return search(request)


def create(request):
    require_signed_in(request)
    user = request.user
    if not (user.is_staff and user.has_perm(ADD_PERMISSION)):
        raise FhirError.simple(403, "forbidden",
                               "Adding questionnaires needs a staff account with permission to add them.")
    body = read_body(request)
    url, version = body.get("url"), body.get("version", "")
    if url and Questionnaire.objects.filter(url=url, version=version).exists() and not user.has_perm(CHANGE_PERMISSION):
        raise FhirError.simple(403, "forbidden", "Replacing a questionnaire needs permission to change questionnaires.")
    try:
        result = versions.import_questionnaire(body, keep_id=False, actor=user)
    except versions.QuestionnaireInvalid as exc:
        raise FhirError.from_issues(400, exc.issues) from exc
    except versions.VersionConflict as exc:
        raise FhirError.simple(409, "conflict", str(exc), exc.expression) from exc
    status = 201 if result.action == "imported" else 200
    return fhir_response(as_fhir(result.questionnaire), status, _headers(request, result.questionnaire))


REVIEW_TAG_SYSTEM = "http://careguide.invalid/fhir/CodeSystem/clinical-review"
REVIEW_TAGS = {"approved": "approved", "pending": "pending-clinical-review", "rejected": "not-approved"}


def as_fhir(questionnaire: Questionnaire) -> dict:
    """The stored resource, tagged with its clinical review state when its tool is triage-bound
    (a version waiting for review is not live: nobody can answer it yet)."""
    resource = questionnaire.resource
    if not bindings.is_bound(questionnaire.url):
        return resource
    meta = dict(resource.get("meta") or {})
    tags = [t for t in meta.get("tag") or () if t.get("system") != REVIEW_TAG_SYSTEM]
    tags.append({"system": REVIEW_TAG_SYSTEM, "code": REVIEW_TAGS[questionnaire.review_status],
                 "display": questionnaire.get_review_status_display()})
    return {**resource, "meta": {**meta, "tag": tags}}


def search(request):
    found = Questionnaire.objects.all().order_by("url", "version", "fhir_id")
    for param, column in (("url", "url"), ("version", "version"), ("_id", "fhir_id")):
        value = request.GET.get(param)
        if value is not None:
            found = found.filter(**{column: value})
    total = found.count()
    found = list(found[:MAX_RESULTS])
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {"fullUrl": _location(request, q), "resource": as_fhir(q), "search": {"mode": "match"}}
            for q in found
        ],
    }
    return fhir_response(bundle)


@fhir_view("GET", "HEAD")
def questionnaire_read(request, resource_id: str):
    questionnaire = Questionnaire.objects.filter(fhir_id=resource_id).first()
    if questionnaire is None:
        raise FhirError.simple(404, "not-found", f"Questionnaire/{resource_id} is not known.")
    return fhir_response(as_fhir(questionnaire), 200, _headers(request, questionnaire))
