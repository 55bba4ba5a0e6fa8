"""Production settings refuse to start without what a deployment must provide."""

import os
import subprocess
import sys

import pytest

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "careguide.config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-this-test-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "care.example.org",
    "DATABASE_URL": "postgres://u:p@db.internal:5432/careguide",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CAREGUIDE_TRUSTED_PROXIES": "10.0.0.10",
    "PATH": os.environ.get("PATH", ""),
}


def boot(env):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "settings.ALLOWED_HOSTS, settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
                                     "CAREGUIDE_TRUSTED_PROXIES"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in BASE_ENV.items() if k != missing}
    result = boot(env)
    assert result.returncode != 0
    assert f"Set the environment variable {missing}" in result.stderr


def test_production_takes_database_from_database_url():
    result = boot(dict(BASE_ENV))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "db.internal"]
    assert "['care.example.org'] False True" in result.stdout


def test_bad_boolean_names_the_variable():
    result = boot({**BASE_ENV, "CAREGUIDE_HTTPS": "maybe"})
    assert result.returncode != 0
    assert "CAREGUIDE_HTTPS must be true or false" in result.stderr


def test_production_refuses_the_console_email_backend_unless_asked_for():
    """It would print password-reset links to the server log (ADR 0023)."""
    for env in ({k: v for k, v in BASE_ENV.items() if k != "DJANGO_EMAIL_BACKEND"},
                {**BASE_ENV, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}):
        result = boot(env)
        assert result.returncode != 0
        assert "the console email backend prints password-reset links to the server log" in result.stderr
    allowed = boot({**BASE_ENV, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                    "CAREGUIDE_ALLOW_CONSOLE_EMAIL": "true"})
    assert allowed.returncode == 0, allowed.stderr


def test_the_trusted_proxies_must_be_addresses():
    result = boot({**BASE_ENV, "CAREGUIDE_TRUSTED_PROXIES": "10.0.0.10,nginx.internal"})
    assert result.returncode != 0
    assert "CAREGUIDE_TRUSTED_PROXIES: 'nginx.internal' is not an IP address or network" in result.stderr
    # Not behind a proxy (clients connect directly): nothing to trust, nothing required.
    direct = {k: v for k, v in BASE_ENV.items() if k != "CAREGUIDE_TRUSTED_PROXIES"}
    assert boot({**direct, "CAREGUIDE_BEHIND_PROXY": "false"}).returncode == 0
