from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from careguide.accounts import views as accounts_views
from careguide.core import views as core_views
from careguide.search import views as search_views

urlpatterns = [
    # Wagtail's sign-in, sending people who may not use the admin to their own place.
    path("admin/login/", accounts_views.AdminSignInView.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("careguide.search.urls")),  # search:search -> /search/, search:api -> /api/search
    path("search/", search_views.search, name="search"),  # the old name, used by base.html
    path("account/", include("careguide.accounts.urls")),
    path("fhir/", include("careguide.fhir.urls")),
    path("questionnaires/", include("careguide.questionnaires.urls")),
    path("back-pain-program/", include("careguide.backpain.urls")),
    path("api/triage/", include("careguide.triage.urls")),
    path("side-effect-check/", include("careguide.sideeffects.urls")),
    path("diary/", include("careguide.diary.urls")),
    path("care-team/", include("careguide.alerts.urls")),
    path("referrals/", include("careguide.referrals.urls")),
    path("appointments/", include("careguide.referrals.appointment_urls")),
    path("treatment-plan/", include("careguide.journey.urls")),
    path("prepare/", include("careguide.procedures.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include(wagtail_urls)),
]

handler404 = "careguide.core.views.page_not_found"
handler400 = "careguide.core.views.bad_request"
handler500 = "careguide.core.views.server_error"
