"""Settings shared by every environment. Environment-specific files import from here."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from careguide.config.env import env_float, env_int, env_str, for_concurrent_writers

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "careguide"
CONTENT_DIR = Path(env_str("CAREGUIDE_CONTENT_DIR", str(BASE_DIR / "content")))
DATA_DIR = Path(env_str("CAREGUIDE_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Sign-in lockout after repeated failures (ADR 0011).
    "axes",
    # Ours come last so that our Wagtail hooks (e.g. the cached page-link handler)
    # override Wagtail's defaults. Our templates win anyway: they are in TEMPLATES DIRS.
    "careguide.core",
    "careguide.library",
    "careguide.accounts",
    "careguide.audit",
    "careguide.questionnaires",
    "careguide.fhir",
    "careguide.careteam",
    "careguide.triage",
    "careguide.backpain",
    "careguide.sideeffects",
    "careguide.diary",
    "careguide.alerts",
    "careguide.search",
    "careguide.referrals",
    "careguide.journey",
    "careguide.procedures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "careguide.core.pagecache.PageCacheMiddleware",
    "careguide.core.middleware.SecurityHeadersMiddleware",
    # Before anything reads a form: refuses form posts in another charset than UTF-8 and NUL
    # characters in any field, with a 400 page that says which (ADR 0023).
    "careguide.core.guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Ends idle staff sessions and any session older than SESSION_COOKIE_AGE (ADR 0011).
    "careguide.accounts.middleware.SessionLimitsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "careguide.config.urls"
WSGI_APPLICATION = "careguide.config.wsgi.application"

# One template engine: Django templates (ADR 0002).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "careguide.core.context_processors.organization",
            ],
        },
    },
]

DATABASES = {
    "default": for_concurrent_writers(dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'careguide.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    ))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("CAREGUIDE_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Everyone signs in on the public site (/account/sign-in/) and lands on their own place:
# care-team staff on the care-team queue, primary-care doctors on their referrals, editors,
# reviewers and administrators in the admin (accounts/views.py landing_url).
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"
# Sessions end after 8 hours at most (counted from sign-in, see accounts/middleware.py), or
# when the browser closes (shared and family devices).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Staff (administrators, admin users and care-team members) are signed out after this many
# idle minutes: they see other people's data, often on shared ward computers. 0 turns it off.
CAREGUIDE_STAFF_IDLE_MINUTES = env_int("CAREGUIDE_STAFF_IDLE_MINUTES", 30)

# django-axes checks every sign-in first (ADR 0011); ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failed sign-ins for the same username from the same address lock that pair out for
# 15 minutes, on /account/sign-in/ and /admin/login/ alike. Counting by username and
# address together means nobody can lock a nurse out of her account from elsewhere, and
# colleagues behind one hospital address do not lock each other out.
AXES_FAILURE_LIMIT = env_int("CAREGUIDE_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CAREGUIDE_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Email addresses are compared without case, as the sign-in form does.
AXES_USERNAME_CALLABLE = "careguide.accounts.lockout.username_for_lockout"
AXES_LOCKOUT_CALLABLE = "careguide.accounts.lockout.lockout_response"
# A correct password clears the count; a guess during the lockout starts the 15 minutes again.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# The address is the client's: behind our proxies (CAREGUIDE_TRUSTED_PROXIES, a list of
# addresses or networks; empty when clients connect directly) it is read from X-Forwarded-For,
# CAREGUIDE_PROXY_COUNT entries from the right, so clients behind one proxy are counted apart
# and a header a client wrote itself is never believed (accounts/lockout.py, ADR 0023).
AXES_CLIENT_IP_CALLABLE = "careguide.accounts.lockout.client_address"
CAREGUIDE_TRUSTED_PROXIES: list[str] = []
CAREGUIDE_PROXY_COUNT = 1
# Only failures are kept (username, address, time); no log of every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# When set, patients who register are placed in the care team of this name, so that their
# red results reach someone (the demo sets it). Unset: an administrator assigns each patient.
CAREGUIDE_DEFAULT_CARE_TEAM = env_str("CAREGUIDE_DEFAULT_CARE_TEAM", "")

# Side-effect triage thresholds this deployment's clinical team signed off, overriding the rule
# file's (careguide/triage/rules/side_effects.yaml; ADR 0012). Only the fever limit for people on
# treatment is adjustable, within 37.0-38.5 °C; the check refuses to start outside that range.
TRIAGE_SIDE_EFFECT_PARAMETERS = (
    {"fever_c": _fever} if (_fever := env_float("CAREGUIDE_FEVER_THRESHOLD_C", None)) is not None else {}
)

# How care teams hear about new alerts (careguide/alerts/notify.py; ADR 0014): by default an
# email to each member with a link to the queue and no health data.
CAREGUIDE_NOTIFIER = env_str("CAREGUIDE_NOTIFIER", "careguide.alerts.notify.EmailNotifier")

# A password reset link works for one hour, and stops working once the password changes.
PASSWORD_RESET_TIMEOUT = 60 * 60

WAGTAIL_SITE_NAME = "Cancer Care Guide"
WAGTAILADMIN_BASE_URL = env_str("CAREGUIDE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx"]
# Notifications go to the admin's in-product inbox; email is configured per deployment.
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = env_str("CAREGUIDE_FROM_EMAIL", "careguide@localhost")

# Months between clinical reviews of a library page unless the page says otherwise.
CAREGUIDE_REVIEW_INTERVAL_MONTHS = env_int("CAREGUIDE_REVIEW_INTERVAL_MONTHS", 12)
CAREGUIDE_MAX_READING_GRADE = 8.0
# Whole-page cache for anonymous readers (core/pagecache.py); 0 turns it off.
CAREGUIDE_PAGE_CACHE_SECONDS = env_int("CAREGUIDE_PAGE_CACHE_SECONDS", 600)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "careguide"}
}

# No health data in logs: requests are logged without query strings (see scripts/serve)
# and Django's request logger records only errors.
# Tracebacks keep their types and frames but not the exception messages, which can repeat what a
# person sent (core/logfilter.py, ADR 0023).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"withhold_exception_text": {"()": "careguide.core.logfilter.WithholdExceptionText"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["withhold_exception_text"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "careguide": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# A reviewer's final approval records the clinical review before publishing.
WAGTAIL_FINISH_WORKFLOW_ACTION = "careguide.library.review.publish_reviewed"
