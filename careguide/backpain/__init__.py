"""The back-pain red-flag gate and the six-week self-care program.

Owns: the gate (questions -> contract fields -> rules), its result pages, the binding of the gate's
questionnaire to the rules, clearance by the care team, the program (lessons, enrollment, check-ins,
pause and resume) and its schedule.
May import: core, triage, questionnaires, audit, accounts, careteam, alerts, library.
"""
