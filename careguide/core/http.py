"""Response helpers every app's views share."""

from django.utils.cache import patch_cache_control


def private(response):
    """A page with someone's health data (or answers, or a session's draft): never stored by
    browsers or proxies."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    return response


def call_or_conflict(action, *, errors, page):
    """Call the service ``action()``. When it raises one of ``errors`` (the record moved on: someone
    else acted first, or the step is not allowed from its status now), return ``page(error=message,
    status=409)``, the same page shown again with the reason; otherwise None, and the view goes on
    (a success message, a redirect)."""
    try:
        action()
    except errors as exc:
        return page(error=str(exc), status=409)
    return None
