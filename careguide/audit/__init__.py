"""Who did what to whose record, and when (never health data).

Owns: AuditEvent and service.record(), which services call inside the transaction of their write;
the read-only admin listing for superusers.
May import: core, and accounts for the admin listing's permission policy and role names.
"""
