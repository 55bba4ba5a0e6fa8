"""Anonymous readers get cached pages; a publish shows the change at once; staff never get
a cached page."""

import pytest
from django.test import override_settings
from django.urls import reverse

from careguide.library.models import ConditionPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def page_cache_on():
    with override_settings(CAREGUIDE_PAGE_CACHE_SECONDS=60):
        yield


def test_second_anonymous_view_costs_no_queries(client, django_assert_num_queries):
    first = client.get("/conditions/bone-cancer/")
    with django_assert_num_queries(0):
        second = client.get("/conditions/bone-cancer/")
    assert second.status_code == 200 and second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_publishing_a_correction_shows_at_once(client):
    page = ConditionPage.objects.get(slug="bone-cancer")
    assert "A corrected summary" not in client.get(page.url).content.decode()
    page.summary = "A corrected summary that readers must see immediately."
    page.save_revision().publish()
    assert "A corrected summary that readers must see immediately." in client.get(page.url).content.decode()


def test_signed_in_staff_and_queries_are_never_served_from_cache(client, editor, django_assert_max_num_queries):
    client.get("/conditions/bone-cancer/")
    client.force_login(editor)
    with django_assert_max_num_queries(20) as ctx:
        assert client.get("/conditions/bone-cancer/").status_code == 200
    assert len(ctx) > 0  # rendered for this user, not the anonymous copy
    client.logout()
    client.get(f"{reverse('search:search')}?q=bone")
    with django_assert_max_num_queries(20) as ctx:
        client.get(f"{reverse('search:search')}?q=bone")
    assert len(ctx) > 0


def test_not_found_pages_are_not_cached(client, django_assert_max_num_queries):
    client.get("/no-such-page/")
    with django_assert_max_num_queries(20) as ctx:
        assert client.get("/no-such-page/").status_code == 404
    assert len(ctx) > 0
