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
    it was rendered under is live. Each request asks the database for the live
    version (one indexed query), which is what makes a re-seed visible at once
    on every app server, whatever cache they share. A client or CDN that
    already holds the page gets a 304 without anything being rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._applies_to(request):
            return self.get_response(request)
        version = DatasetVersion.objects.live()
        if version is None:  # nothing seeded yet: nothing to key on
            return self.get_response(request)
        request.dataset_version = version  # the footer needs no second query
        etag = f'W/"{version.short_digest}-{_release()}"'
        last_modified = version.seeded_at.timestamp()
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=last_modified
        )
        if not_modified is not None:
            return self._with_validators(not_modified, etag, last_modified)

        key = self._key(request, version)
        response = self._cached(key)
        if response is None:
            response = self.get_response(request)
            if self._storable(response):
                cache.set(key, _freeze(response))
        if response.status_code == 200:
            self._with_validators(response, etag, last_modified)
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
    def _with_validators(response, etag, last_modified):
        response.headers.setdefault("ETag", etag)
        response["Last-Modified"] = http_date(last_modified)
        if "Cache-Control" not in response:
            patch_cache_control(response, **settings.PAGE_CACHE_CONTROL)
        return response


def _freeze(response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("etag", "last-modified")
    ]
    return response.status_code, headers, response.content


def _thaw(frozen):
    status, headers, content = frozen
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


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
