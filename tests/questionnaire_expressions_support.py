"""A questionnaire whose questions are enabled by SDC enableWhenExpressions (on an answer, on a
variable, on a calculated score, in each instance of a repeating group, and one that cannot be
read), shared by the engine, form, FHIR, live-state and browser tests of issue 16."""

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
VARIABLE = "http://hl7.org/fhir/StructureDefinition/variable"


def enabled_when(expression):
    return {"url": SDC + "sdc-questionnaire-enableWhenExpression",
            "valueExpression": {"language": "text/fhirpath", "expression": expression}}


def variable(name, expression):
    return {"url": VARIABLE, "valueExpression": {"name": name, "language": "text/fhirpath", "expression": expression}}


def calculated(expression):
    return {"url": SDC + "sdc-questionnaire-calculatedExpression",
            "valueExpression": {"language": "text/fhirpath", "expression": expression}}


PAIN = "%resource.item.where(linkId='pain').answer.value"

EXPRESSIONS = {
    "resourceType": "Questionnaire",
    "id": "expression-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/expression-check",
    "title": "Expression check",
    "status": "active",
    "extension": [variable("painScore", PAIN)],
    "item": [
        {"linkId": "pain", "type": "integer", "text": "Pain from 0 to 10"},
        {"linkId": "worse", "type": "string", "text": "What makes it worse?", "required": True,
         "extension": [enabled_when(f"{PAIN} >= 7")]},
        {"linkId": "coping", "type": "boolean", "text": "Are you coping well?",
         "extension": [enabled_when("%painScore < 4")]},
        {"linkId": "double", "type": "integer", "text": "Pain counted twice", "extension": [calculated(f"{PAIN} * 2")]},
        {"linkId": "call", "type": "boolean", "text": "Would you like a call from a nurse?",
         "extension": [enabled_when("%resource.item.where(linkId='double').answer.value > 15")]},
        {"linkId": "med", "type": "group", "text": "A medicine", "repeats": True,
         "extension": [variable("kind", "item.where(linkId='kind').answer.value")], "item": [
             {"linkId": "kind", "type": "string", "text": "Kind of medicine"},
             {"linkId": "which", "type": "string", "text": "Which one?",
              "extension": [enabled_when("%kind = 'other'")]}]},
        {"linkId": "broken", "type": "string", "text": "Never shown", "extension": [enabled_when("item.where(")]},
    ],
}
