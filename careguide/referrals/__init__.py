"""Referrals to Cancer Care, clinic slots, booking and appointments.

Owns: Referral with its status history and workflow table, intake, the patient's consent to share
records, pre-visit questions, clinic sessions and slots, booking that never double-books,
appointments and .ics, FHIR ServiceRequest, Slot and Appointment.
May import: core, audit, accounts, careteam, questionnaires, fhir, library.
"""
