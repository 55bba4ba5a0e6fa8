"""The treatment profile and the side-effect check.

Owns: the treatment profile (cancer type, treatments, corrections), the side-effect check's
questionnaire binding and mapping to the rules, result pages and history, guidance.py (what to do
now, shared with the diary).
May import: core, triage, questionnaires, audit, accounts, careteam, alerts, library.
"""
