"""Questionnaire: create (staff), read and search by url."""

from __future__ import annotations

from django.urls import reverse

from careguide.questionnaires import services
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
        result = services.import_questionnaire(body, keep_id=False, actor=user)
    except services.QuestionnaireInvalid as exc:
        raise FhirError.from_issues(400, exc.issues) from exc
    status = 201 if result.action == "imported" else 200
    return fhir_response(result.questionnaire.resource, status, _headers(request, result.questionnaire))


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
            {"fullUrl": _location(request, q), "resource": q.resource, "search": {"mode": "match"}}
            for q in found
        ],
    }
    return fhir_response(bundle)


@fhir_view("GET", "HEAD")
def questionnaire_read(request, resource_id: str):
    questionnaire = Questionnaire.objects.filter(fhir_id=resource_id).first()
    if questionnaire is None:
        raise FhirError.simple(404, "not-found", f"Questionnaire/{resource_id} is not known.")
    return fhir_response(questionnaire.resource, 200, _headers(request, questionnaire))
