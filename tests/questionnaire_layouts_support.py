"""A questionnaire asking for the SDC layouts of ADR 0036 (slider, autocomplete, gtable, tabs),
shared by the no-JavaScript tests and the Chromium tests."""

CORE = "http://hl7.org/fhir/StructureDefinition/"
CONTROL = "http://hl7.org/fhir/questionnaire-item-control"

# Many answers: a list worth filtering as you type.
CANCERS = ["Bladder", "Bone", "Bowel", "Brain", "Breast", "Cervical", "Kidney", "Leukaemia", "Liver", "Lung",
           "Lymphoma", "Melanoma", "Mouth", "Myeloma", "Oesophageal", "Ovarian", "Pancreatic", "Prostate",
           "Skin", "Stomach", "Testicular", "Thyroid", "Womb"]


def control(code):
    return {"url": CORE + "questionnaire-itemControl",
            "valueCodeableConcept": {"coding": [{"system": CONTROL, "code": code}]}}


LAYOUTS = {
    "resourceType": "Questionnaire",
    "id": "layouts-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/layouts-check",
    "version": "1",
    "title": "Layouts check",
    "status": "active",
    "item": [
        {"linkId": "pain", "type": "integer", "text": "Pain today from 0 to 10", "extension": [
            control("slider"),
            {"url": CORE + "minValue", "valueInteger": 0},
            {"url": CORE + "maxValue", "valueInteger": 10},
            {"url": CORE + "questionnaire-sliderStepValue", "valueInteger": 2}]},
        {"linkId": "cancer", "type": "choice", "text": "Which cancer do you have?", "extension": [
            control("autocomplete")],
         "answerOption": [{"valueCoding": {"system": "http://careguide.invalid/cancers", "code": name.lower(),
                                           "display": name}} for name in CANCERS]},
        {"linkId": "lung-smoke", "type": "boolean", "text": "Have you ever smoked?",
         "enableWhen": [{"question": "cancer", "operator": "=",
                         "answerCoding": {"system": "http://careguide.invalid/cancers", "code": "lung"}}]},
    ],
}
