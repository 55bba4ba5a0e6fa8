"""Test settings: SQLite unless DATABASE_URL names a (throwaway) PostgreSQL."""

import os
import tempfile
from pathlib import Path

import dj_database_url

from careguide.config.env import for_concurrent_writers

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    # A file in memory-backed storage rather than SQLite's ":memory:", and the options `make run`
    # uses: threads in a test then write at once as gunicorn's workers do (an in-memory
    # database shared between threads locks whole tables and never waits). One file per run.
    _shm = Path("/dev/shm")  # noqa: S108 - a throwaway test database, named by process id
    _folder = _shm if _shm.is_dir() else Path(tempfile.gettempdir())
    DATABASES = {"default": for_concurrent_writers({
        "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:",
        "TEST": {"NAME": str(_folder / f"careguide-test-{os.getpid()}.sqlite3")},
    })}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Off by default so query-count tests measure real renders; tests/core/test_pagecache.py turns it on.
CAREGUIDE_PAGE_CACHE_SECONDS = 0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise expects the folder
