"""Plain Wagtail search over live library pages and glossary terms.

A later issue makes search answer patients' questions; this is the entry point it
will replace. Queries are never logged (health data).
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from careguide.library.models import GlossaryTerm

MAX_QUERY = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = Page.objects.none()
    terms = []
    if query:
        results = Page.objects.live().public().exclude(depth=1).specific().search(query)
        terms = list(get_search_backend().search(query, GlossaryTerm)[:3])
    paginator = Paginator(results, 10)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return render(
        request,
        "search/search.html",
        {"search_query": query, "results": page_obj, "terms": terms},
    )
