"""HTTP concerns of a public, read-only site: methods, headers, the page cache.

Nothing here knows about cell therapies; the one thing it asks the catalog is
which dataset version is live, because every answer is a function of that
version and of the code.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from catalog.models import DatasetVersion

SAFE_METHODS = ("GET", "HEAD")
API_PREFIX = "/api/"
# Probes must reflect this moment, never a cached answer.
UNCACHED_PREFIXES = ("/healthz", "/readyz", "/static/")
CONDITIONAL_HEADERS = (
    "If-None-Match",
    "If-Modified-Since",
    "If-Match",
    "If-Unmodified-Since",
)


class SafeMethodsMiddleware:
    """Answer only GET and HEAD (and OPTIONS on the API); 405 for the rest.

    The site has no forms that change anything, so no view should ever see a
    POST; refusing it here keeps every view, present and future, honest.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = list(SAFE_METHODS)
        if request.path.startswith(API_PREFIX):
            allowed.append("OPTIONS")
        if request.method not in allowed:
            return self._refuse(request, allowed)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, allowed):
        if request.path.startswith(API_PREFIX):
            # The API's own wording (DRF's), so clients see one error shape.
            response = JsonResponse(
                {"detail": f'Method "{request.method}" not allowed.'}, status=405
            )
        else:
            response = HttpResponse(
                f"{request.method} is not supported: CellTx is read-only."
                f" Use {' or '.join(allowed)}.\n",
                status=405,
                content_type="text/plain; charset=utf-8",
            )
        response["Allow"] = ", ".join(allowed)
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself, on every response (static included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class DataVersionCacheMiddleware:
    """Serve rendered pages from a cache keyed by URL and dataset version.

    The data changes only when `seed` runs, and `seed` records a new live
    version; so a page is fresh exactly as long as the version (and the code)
    it was rendered under is live. A hit costs no query: the live version is
    itself kept in the cache, published there by `seed` (shared by every
    server when the cache is Redis) and re-read from the database at least
    every second (DatasetVersion.live_cached), which bounds how long a
    server whose cache `seed` cannot reach serves the old data. A miss asks the
    database which version is live before rendering, so nothing is ever stored
    under the wrong version. A client or CDN that already holds the page gets a
    304 without anything being rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._applies_to(request):
            return self.get_response(request)
        version = DatasetVersion.live_cached()
        if version is None:  # nothing seeded yet: nothing to key on
            return self.get_response(request)
        not_modified = self._not_modified(request, version)
        if not_modified is not None:
            return not_modified
        response = self._cached(self._key(request, version))
        if response is not None:  # stored with its validators: nothing to add
            return response

        # A miss: render under the version the database says is live (and
        # tell the cache if it remembered another one).
        live = DatasetVersion.objects.live()
        if live is None:
            return self.get_response(request)
        if live.digest != version.digest or live.seeded_at != version.seeded_at:
            DatasetVersion.remember_live(live)
        request.dataset_version = live  # the footer needs no second query
        response = self.get_response(request)
        if response.status_code == 200:
            self._with_validators(response, live)
        if self._storable(response):
            cache.set(self._key(request, live), _freeze(response))
        return response

    def _not_modified(self, request, version):
        if not any(name in request.headers for name in CONDITIONAL_HEADERS):
            return None
        etag, last_modified = _validators(version)
        response = get_conditional_response(
            request, etag=etag, last_modified=last_modified
        )
        if response is not None:
            self._with_validators(response, version)
        return response

    @staticmethod
    def _applies_to(request):
        return (
            settings.PAGE_CACHE
            and request.method in SAFE_METHODS
            and not request.path.startswith(UNCACHED_PREFIXES)
        )

    @staticmethod
    def _key(request, version):
        # Compressed and plain bodies are different entries (GZipMiddleware
        # below this one compresses when the client accepts gzip).
        encoding = (
            "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "id"
        )
        url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{version.digest[:16]}:{_release()}:{encoding}:{url}"

    @staticmethod
    def _cached(key):
        frozen = cache.get(key)
        return _thaw(frozen) if frozen is not None else None

    @staticmethod
    def _storable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _with_validators(response, version):
        etag, last_modified = _validators(version)
        response.headers.setdefault("ETag", etag)
        response["Last-Modified"] = http_date(last_modified)
        if "Cache-Control" not in response:
            patch_cache_control(response, **settings.PAGE_CACHE_CONTROL)
        return response


def _validators(version):
    return f'W/"{version.short_digest}-{_release()}"', version.seeded_at.timestamp()


def _freeze(response):
    # The key names the version, so the validators are part of the entry.
    return response.status_code, dict(response.items()), response.content


def _thaw(frozen):
    status, headers, content = frozen
    return HttpResponse(content, status=status, headers=headers)


def _release():
    """The code's version: CELLTX_RELEASE, or a digest of the code itself."""
    global _RELEASE
    if _RELEASE is None:
        _RELEASE = settings.RELEASE or _source_digest()
    return _RELEASE


_RELEASE = None


def _source_digest():
    digest = hashlib.sha256()
    root = settings.BASE_DIR
    for folder, pattern in (
        ("catalog", "**/*.py"),
        ("celltx", "**/*.py"),
        ("templates", "**/*"),
        ("static", "**/*"),
    ):
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:8]
