"""The care team's queue: triage events, alerts and their status history, notifications.

Owns: TriageEvent, Alert, AlertStatus (write-once), rules.py (which results raise an alert, pure),
the Notifier protocol, the queue pages at /care-team/.
May import: core, audit, accounts, careteam; the queue pages read backpain and procedures presenters
for a patient's page.
"""
