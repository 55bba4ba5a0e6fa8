"""Typed environment helpers that fail loudly, naming the variable at fault."""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default=_REQUIRED) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name}: it is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float | None) -> float | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number such as 37.5, not {value!r}.") from None


def env_list(name: str, default=_REQUIRED) -> list[str]:
    value = os.environ.get(name)
    if value is None or not value.strip():
        if default is _REQUIRED:
            raise ImproperlyConfigured(
                f"Set the environment variable {name}: a comma-separated list is required."
            )
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default=_REQUIRED) -> list[str]:
    """A comma-separated list of IP addresses or networks (10.0.0.10, 10.0.0.0/24)."""
    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or network (e.g. 10.0.0.10 or 10.0.0.0/24)."
            ) from None
    return values


def cache_from_url(url: str) -> dict:
    """A Django CACHES entry from a URL: locmem://, file:///path, db://table, redis://host:port/n."""
    scheme, _, rest = url.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "careguide"}
    if scheme == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest}
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest or "careguide_cache"}
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"CAREGUIDE_CACHE_URL must start with locmem://, file://, db:// or redis://, not {url!r}."
    )


# SQLite, the embedded default, with several gunicorn workers writing at once (ADR 0024):
# - WAL: readers never wait for the writer, and the writer never waits for readers;
# - IMMEDIATE: a write transaction takes the write lock when it begins. In SQLite's default
#   (DEFERRED) mode a transaction that reads first and then writes cannot wait for another
#   writer (that could deadlock), so it fails at once with "database is locked";
# - a busy timeout: a second writer waits its turn (up to this long) instead of failing;
# - synchronous=FULL (SQLite's default, said here on purpose): every commit reaches the disk
#   before the page says "saved" and the care team is emailed. NORMAL saves a disk flush per
#   commit, but a power cut could then undo the last commits, such as a saved diary entry and
#   the alert it raised; `make bench-writes` measured no difference between the two (the two
#   workers' CPU is the limit), so durability wins (ADR 0024).
SQLITE_BUSY_TIMEOUT_SECONDS = 20
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL",
}


def for_concurrent_writers(database: dict) -> dict:
    """A DATABASES entry with SQLITE_OPTIONS added when it is SQLite (options it sets win)."""
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        database = {**database, "OPTIONS": {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}}
    return database
