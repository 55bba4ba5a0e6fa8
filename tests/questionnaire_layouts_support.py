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

TABLES = {
    "resourceType": "Questionnaire",
    "id": "tables-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/tables-check",
    "version": "1",
    "title": "Tables check",
    "status": "active",
    "item": [
        {"linkId": "medicine", "type": "group", "text": "Medicines you take", "repeats": True,
         "extension": [control("gtable")], "item": [
            {"linkId": "medicine-name", "type": "string", "text": "Name"},
            {"linkId": "medicine-times", "type": "integer", "text": "Times a day"},
            {"linkId": "medicine-food", "type": "boolean", "text": "With food?"}]},
        {"linkId": "sleep", "type": "group", "text": "Sleep this week", "extension": [control("grid")], "item": [
            {"linkId": "weekday", "type": "group", "text": "Weekdays", "item": [
                {"linkId": "weekday-hours", "type": "integer", "text": "Hours a night"},
                {"linkId": "weekday-woke", "type": "boolean", "text": "Woke in the night?"}]},
            {"linkId": "weekend", "type": "group", "text": "Weekend", "item": [
                {"linkId": "weekend-hours", "type": "integer", "text": "Hours a night"},
                {"linkId": "weekend-woke", "type": "boolean", "text": "Woke in the night?"}]}]},
    ],
}

TABS = {
    "resourceType": "Questionnaire",
    "id": "tabs-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/tabs-check",
    "version": "1",
    "title": "Tabs check",
    "status": "active",
    "item": [
        {"linkId": "about", "type": "group", "text": "About your treatment", "extension": [control("tab-container")],
         "item": [
            {"linkId": "now", "type": "group", "text": "Treatment now", "item": [
                {"linkId": "treatment", "type": "string", "text": "What treatment are you having?"}]},
            {"linkId": "effects", "type": "group", "text": "Side effects", "item": [
                {"linkId": "tired", "type": "boolean", "text": "Do you feel tired?"},
                {"linkId": "sick", "type": "boolean", "text": "Do you feel sick?", "required": True}]},
            {"linkId": "support", "type": "group", "text": "Support", "item": [
                {"linkId": "helper", "type": "string", "text": "Who helps you at home?"}]}]},
    ],
}
