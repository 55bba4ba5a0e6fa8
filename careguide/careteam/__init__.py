"""Care teams and the one place that decides whose data a user sees.

Owns: CareTeam, Membership, TeamPatient (managed in the Wagtail admin); scoping.py
(patients_visible_to, scope, can_see_patient, scope_referral).
May import: core, audit, accounts (roles and the admin permission policy).
"""
