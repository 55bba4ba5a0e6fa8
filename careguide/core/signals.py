"""Drop the site cache (sitecache.py) whenever a page or the organization's settings change.
Apps whose own reference data is in the cache connect their models too (library/signals.py)."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import sitecache
from .models import Location, OrganizationSettings


def connect():
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(sitecache.invalidate, dispatch_uid=f"sitecache-{id(signal)}")
    post_delete.connect(sitecache.invalidate, sender=Page, dispatch_uid="sitecache-page-delete")
    connect_models(OrganizationSettings, Location)


def connect_models(*models) -> None:
    """Any save or delete of these models drops the site cache."""
    for model in models:
        post_save.connect(sitecache.invalidate, sender=model, dispatch_uid=f"sitecache-save-{model.__name__}")
        post_delete.connect(sitecache.invalidate, sender=model, dispatch_uid=f"sitecache-del-{model.__name__}")
