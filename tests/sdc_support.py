"""SDC extensions as a questionnaire writes them, for tests of launchContext and expressions (ADR 0032)."""

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
FHIR_QUERY = "application/x-fhir-query"


def expression(kind, text, language="text/fhirpath"):
    """sdc-questionnaire-<kind> (initialExpression, answerExpression, ...) holding ``text``."""
    return {"url": SDC + f"sdc-questionnaire-{kind}", "valueExpression": {"language": language, "expression": text}}


def launch_context(name, resource_type):
    return {"url": SDC + "sdc-questionnaire-launchContext", "extension": [
        {"url": "name", "valueCoding": {"system": "http://hl7.org/fhir/uv/sdc/CodeSystem/launchContext", "code": name}},
        {"url": "type", "valueCode": resource_type}]}


def variable(name, text, language="text/fhirpath"):
    return {"url": "http://hl7.org/fhir/StructureDefinition/variable",
            "valueExpression": {"name": name, "language": language, "expression": text}}
