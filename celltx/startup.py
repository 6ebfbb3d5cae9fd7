"""Refuse to serve a misconfigured site, once at start, instead of failing
every request: a missing static manifest (every page would be a 500) or a
missing SQLite file (it would be created empty, serving nothing)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def check_ready_to_serve(database=None):
    _check_static_manifest()
    _check_sqlite_file(database or settings.DATABASES["default"])


def _check_static_manifest():
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest_name is None:
        return
    if not Path(settings.STATIC_ROOT, manifest_name).is_file():
        raise ImproperlyConfigured(
            f"No static files manifest at {settings.STATIC_ROOT}/{manifest_name}:"
            " run `python manage.py collectstatic` before starting the server."
        )


def _check_sqlite_file(database):
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return
    if not Path(name).is_file():
        raise ImproperlyConfigured(
            f"No SQLite database at {name}: run `python manage.py migrate` and"
            " `python manage.py seed` first (or set DATABASE_URL)."
        )
