"""Triage: clinical rules as versioned, signed-off YAML and the pure engines that apply them.

Owns: the rule files (``rules/*.yaml``, ``rules/signed-off.yaml``); the engines' shared core
(``engine``: ``Result``, errors, ``read_rule_file``); the back-pain yes/no gate (``back_pain``);
side-effect triage (the ``side_effects`` package: schema, checks, compiler, tool); the
deployment's thresholds (``deployment``) and start-up checks (``checks``, ``signoff``); content
tokens (``values``) and "when to call" claims (``claims``); the tool registry (``tools``), the
evaluation contract (``contract``, ``careguide triage-eval``) and the JSON API (``api``).

May import: ``careguide.core`` (the API's JSON and crisis helpers) and nothing else of ours.
The engines (``engine``, ``back_pain``, ``side_effects``) import no Django and no other app.
"""
