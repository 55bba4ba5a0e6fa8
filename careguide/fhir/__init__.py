"""The FHIR R4 API at /fhir/ and validation of every resource with fhir.resources.

Owns: CapabilityStatement, Questionnaire and QuestionnaireResponse interactions, the read/search
base other apps' resource modules configure, request body guards, OperationOutcome errors.
May import: core, audit, careteam (scoping), questionnaires (the resources it serves).
"""
