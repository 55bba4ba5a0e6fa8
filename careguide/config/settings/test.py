"""Test settings: SQLite in memory unless DATABASE_URL names a (throwaway) PostgreSQL."""

import os

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Off by default so query-count tests measure real renders; tests/test_pagecache.py turns it on.
CAREGUIDE_PAGE_CACHE_SECONDS = 0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise expects the folder
