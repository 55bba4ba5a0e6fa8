"""Production: refuses to start without a secret key, allowed hosts and a database URL."""

from careguide.config.env import cache_from_url, env_bool, env_int, env_list, env_str

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
    # address the proxy appends to X-Forwarded-For, not the proxy's own.
    AXES_IPWARE_PROXY_COUNT = env_int("CAREGUIDE_PROXY_COUNT", 1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# The console backend prints emails (password-reset links) to the server log: right for
# `make run` on one machine, wrong for a real deployment, which sets SMTP (deploy.md).
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("CAREGUIDE_FROM_EMAIL", "careguide@localhost")

# Shared by all workers on a host by default; several hosts share db:// or redis:// (deploy.md).
CACHES = {"default": cache_from_url(env_str("CAREGUIDE_CACHE_URL", f"file://{DATA_DIR / 'cache'}"))}  # noqa: F405
