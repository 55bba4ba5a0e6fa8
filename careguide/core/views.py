from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from careguide.core.crisis import CrisisLine


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /account/",
        "Disallow: /questionnaires/",
        "Disallow: /fhir/",
        "Disallow: /back-pain-program/check/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    # Like the 500 page: a request that could not be read may not reach the database either.
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render({"crisis": CrisisLine()}))


def server_error(request):
    # No database or context processors: the error may be that the database is down.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"crisis": CrisisLine()}))
