"""FHIR resources as an outside client sends them."""

from careguide.questionnaires import services
from careguide.questionnaires.models import Questionnaire


def phq9_response(choice=1, **extra):
    definition = services.parsed(Questionnaire.objects.get(fhir_id="44249-1-x"))
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "Questionnaire/44249-1-x",
        "status": "completed",
        "item": [{"linkId": item.link_id, "text": item.text, "answer": [item.options[choice].answer]}
                 for item in definition.items[:9]],
        **extra,
    }
