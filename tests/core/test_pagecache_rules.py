"""A page kept in the page cache is not served after the rules in force change: the cache key
carries the rule-set version (ADR 0022), registered by the triage app (core/pagecache.vary_on)."""

import pytest
from django.test import override_settings

from careguide.library.models import TreatmentPage

pytestmark = pytest.mark.django_db


def test_a_new_fever_limit_is_shown_to_anonymous_readers_of_a_cached_page(client):
    chemo = TreatmentPage.objects.live().get(slug="chemotherapy").url
    with override_settings(CAREGUIDE_PAGE_CACHE_SECONDS=60):
        assert "99.5°F (37.5°C)" in client.get(chemo).content.decode()
        assert "99.5°F (37.5°C)" in client.get(chemo).content.decode()  # now from the cache
        with override_settings(TRIAGE_SIDE_EFFECT_PARAMETERS={"fever_c": 38.0}):
            html = client.get(chemo).content.decode()
    assert "100.4°F (38°C) or higher" in html and "99.5°F (37.5°C) or higher" not in html
