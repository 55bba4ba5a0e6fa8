"""The questionnaire form as a test reads it: the page, its address, the response it stored."""

import re

from bs4 import BeautifulSoup
from django.urls import reverse

from careguide.questionnaires import engine, services
from careguide.questionnaires.models import QuestionnaireResponse


def page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def form_url(questionnaire):
    return reverse("questionnaires:fill", kwargs={"fhir_id": questionnaire.fhir_id})


def stored(response):
    """The response a successful post stored (it redirects to the answers)."""
    match = re.search(r"/questionnaires/responses/([0-9a-f-]{36})/$", response["Location"])
    assert response.status_code == 303 and match, response
    return QuestionnaireResponse.objects.get(fhir_id=match.group(1))


def answers_of(record, link_id):
    """The answer values stored for the first instance of `link_id`."""
    for visit in engine.walk(services.parsed(record.questionnaire), engine.read_response(record.resource)):
        if visit.item.link_id == link_id and visit.node is not None:
            return [engine.value_of(a)[1] for a in visit.node.answers]
    return []
