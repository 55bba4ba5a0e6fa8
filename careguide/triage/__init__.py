"""Clinical rules as versioned, signed-off data and the pure engines that run them.

Owns: rules/*.yaml (back pain, side effects) and their sign-offs, the engines (no Django), the
deployment's thresholds, the tool registry, the evaluation contract, content tokens ({fever}...) and
the "when to call" claim checker, the stateless JSON API under /api/triage/.
May import: core only (the engines themselves import nothing from Django or other apps).
"""
