"""The health library: page types, blocks, snippets, content loading and clinical review.

Owns: page models, StreamField blocks, glossary terms and side-effect snippets, templates, the
content loader (content/) and `careguide load-content`, reading grade, clinical review, glossary
linking, the site cache's pages, menu and glossary (sitecache.py).
May import: core, triage (content tokens), accounts (the review workflow), and, in load-content and
the content pre-flight check only, the apps whose content files they load (search, questionnaires,
journey, procedures).
"""
