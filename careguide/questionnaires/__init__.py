"""Questionnaires: FHIR R4 Questionnaires (SDC subset) filled in on the site and over FHIR.

Owns: the pure engine (``engine``: parsing, enableWhen, validation, calculation; no Django);
the HTML form (the ``forms`` package: reading the POST, value coercion, fields, the form); the
models, storing responses (``services``), importing and reviewing versions (``versions``,
``careguide import-questionnaire``), bindings of answers to the tools that use them
(``bindings``), the pages (``views``, ``presenters``) and the editors' admin.

May import: ``careguide.core``, ``careguide.audit``, ``careguide.fhir.validation``,
``careguide.accounts.roles`` and ``careguide.careteam.scoping``. The engine imports nothing
outside itself.
"""
