"""Production: refuses to start without a secret key, allowed hosts and a database URL."""

from django.core.exceptions import ImproperlyConfigured

from careguide.config.env import cache_from_url, env_bool, env_int, env_list, env_networks, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
DATABASE_URL = env_str("DATABASE_URL")  # required here; base.py parses it
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating reverse proxy (docs/deploy.md). Set CAREGUIDE_HTTPS=false only
# for a local run on 127.0.0.1, as `make run` does.
HTTPS = env_bool("CAREGUIDE_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("CAREGUIDE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if env_bool("CAREGUIDE_BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Sign-in lockout counts failures per client address: behind the proxy that is the
    # address the proxy appends to X-Forwarded-For, not the proxy's own, and only when the
    # request came from the proxy (accounts/lockout.py). Required: without it every client
    # would share the proxy's address, and anyone could lock out anyone.
    CAREGUIDE_TRUSTED_PROXIES = env_networks("CAREGUIDE_TRUSTED_PROXIES")
    CAREGUIDE_PROXY_COUNT = env_int("CAREGUIDE_PROXY_COUNT", 1)

# A real deployment sends email by SMTP (deploy.md). The console backend would print every
# email, password-reset links among them, to the server log: it is refused unless
# CAREGUIDE_ALLOW_CONSOLE_EMAIL=true asks for it on purpose. `make run` writes emails as files
# in its data folder instead (scripts/local-env), so nothing of them reaches the log (ADR 0023).
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", CONSOLE_EMAIL)
if EMAIL_BACKEND == CONSOLE_EMAIL and not env_bool("CAREGUIDE_ALLOW_CONSOLE_EMAIL", False):
    raise ImproperlyConfigured(
        "Set DJANGO_EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend with DJANGO_EMAIL_HOST): "
        "the console email backend prints password-reset links to the server log. For a trial on one machine "
        "use django.core.mail.backends.filebased.EmailBackend (emails as files in DJANGO_EMAIL_FILE_PATH), or "
        "set CAREGUIDE_ALLOW_CONSOLE_EMAIL=true to accept the console backend anyway."
    )
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(DATA_DIR / "emails"))  # noqa: F405
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("CAREGUIDE_FROM_EMAIL", "careguide@localhost")

# Shared by all workers on a host by default; several hosts share db:// or redis:// (deploy.md).
CACHES = {"default": cache_from_url(env_str("CAREGUIDE_CACHE_URL", f"file://{DATA_DIR / 'cache'}"))}  # noqa: F405
