"""Search URLs, included at the site root: /search/ (the page) and /api/search (JSON).

Included once with ``path("", include("careguide.search.urls"))``, so the names are
"search:search" and "search:api". The old un-namespaced name "search" (base.html's header
box) stays as its own line in config/urls.py.
"""

from django.urls import path

from . import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("api/search", api.search, name="api"),
]
