"""Treatment plans: templates as data, a patient's plan and timeline.

Owns: plan templates (content/plans), dates from a pure function, TreatmentPlan, PlanPhase and
PlanStatus, the timeline page, .ics, FHIR CarePlan.
May import: core, audit, accounts, careteam, questionnaires, fhir, library.
"""
