"""Response helpers every app's views share."""

from django.utils.cache import patch_cache_control


def private(response):
    """A page with someone's health data (or answers, or a session's draft): never stored by
    browsers or proxies."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    return response
