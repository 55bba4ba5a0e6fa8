"""GET /fhir/metadata: the CapabilityStatement (what this server does)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.urls import reverse

from . import extract, populate
from .http import absolute, fhir_response, fhir_view

RELEASED = "2026-11-21"
# Apps that serve FHIR resources of their own: each module has `urlpatterns` (included under
# /fhir/) and CAPABILITIES, the CapabilityStatement.rest.resource entries for them.
APP_MODULES = ("careguide.referrals.fhir_urls", "careguide.journey.fhir_urls")


def app_capabilities() -> list[dict]:
    return [entry for module in APP_MODULES for entry in import_module(module).CAPABILITIES]


def capability_statement(base: str) -> dict:
    search_params = [
        {"name": "url", "type": "uri", "documentation": "The questionnaire's canonical url."},
        {"name": "version", "type": "token", "documentation": "The questionnaire's business version."},
        {"name": "_id", "type": "token", "documentation": "The questionnaire's id on this server."},
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": RELEASED,
        "publisher": getattr(settings, "WAGTAIL_SITE_NAME", "Cancer Care Guide"),
        "kind": "instance",
        "software": {"name": "Cancer Care Guide"},
        "implementation": {"description": "Cancer Care Guide questionnaires", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Questionnaires are read by anyone; creating one needs a staff account with "
                "permission to add questionnaires. QuestionnaireResponses are created by signed-in people "
                "(who become their subject) and read and searched by them and by their care team.",
                "security": {"description": "Session sign-in (cookies)."},
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": [{"code": "read"}, {"code": "search-type"}, {"code": "create"}],
                        "searchParam": search_params,
                        "operation": [populate.CAPABILITY],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": [{"code": "read"}, {"code": "search-type"}, {"code": "create"}],
                        "searchParam": [
                            {"name": "_id", "type": "token"},
                            {"name": "questionnaire", "type": "reference"},
                            {"name": "subject", "type": "reference",
                             "documentation": "subject:identifier=<username> (own or the care team's patients)"},
                        ],
                        "operation": [extract.CAPABILITY],
                    },
                    *app_capabilities(),
                ],
            }
        ],
    }


@fhir_view("GET", "HEAD")
def metadata(request):
    return fhir_response(capability_statement(absolute(request, reverse("fhir:metadata")).rsplit("/metadata", 1)[0]))
