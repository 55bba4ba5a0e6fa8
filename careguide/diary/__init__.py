"""The symptom diary on PRO-CTCAE.

Owns: PRO-CTCAE reference tables and grading, our question wording, daily entries with versions,
triage of every entry through the crosswalk, trends, CSV and PDF export.
May import: core, triage, sideeffects (guidance), alerts, audit, accounts, careteam.
"""
