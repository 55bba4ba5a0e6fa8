"""Drop the site cache (careguide/core/sitecache.py) when a glossary term or a side effect
changes: pages link and list them."""

from careguide.core.signals import connect_models

from .models import GlossaryTerm, SideEffect


def connect():
    connect_models(GlossaryTerm, SideEffect)
