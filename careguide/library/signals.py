"""Drop the site cache (sitecache.py) whenever what it holds may have changed."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import sitecache


def connect():
    from careguide.core.models import Location, OrganizationSettings

    from .models import GlossaryTerm, SideEffect

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(sitecache.invalidate, dispatch_uid=f"sitecache-{id(signal)}")
    post_delete.connect(sitecache.invalidate, sender=Page, dispatch_uid="sitecache-page-delete")
    for model in (GlossaryTerm, SideEffect, OrganizationSettings, Location):
        post_save.connect(sitecache.invalidate, sender=model, dispatch_uid=f"sitecache-save-{model.__name__}")
        post_delete.connect(sitecache.invalidate, sender=model, dispatch_uid=f"sitecache-del-{model.__name__}")
