"""The FHIR R4 questionnaire engine (SDC subset) and the forms built on it.

Owns: engine/ (pure Python: parse, enableWhen, validate, calculatedExpression), HTML forms and
QuestionnaireFillView that tools subclass, stored Questionnaire and QuestionnaireResponse, triage
bindings (bindings.py), submit and claim (services.py), frozen versions and their clinical review
(versions.py), `careguide import-questionnaire`, the local terminology store of answer lists
(terminology.py, TerminologyResource, `careguide import-valueset`; expansion in engine/valuesets.py).
May import: core, audit, accounts, careteam, fhir.validation. engine/ imports nothing from Django.
"""
