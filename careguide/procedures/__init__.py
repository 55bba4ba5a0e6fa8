"""Prepare for your procedure: checklists as data, saved ticks, PDF and reminders.

Owns: checklists (content/procedures), SavedChecklist, the checklist pages and tick API, the PDF,
the day-before reminder email.
May import: core, triage (content tokens), library, audit, accounts.
"""
