"""People: patients' accounts, staff sign-in, roles and the review workflow.

Owns: registration in two steps with recorded consent, sign-in and lockout, session limits,
password reset and change, staff groups and roles (roles.py), the "Clinical review" workflow,
one-time form keys (once.py), display names, setup-demo-accounts.
May import: core, audit, careteam (who is on a care team decides where staff land) and library's
HomePage (the review workflow is attached to the page tree).
"""
