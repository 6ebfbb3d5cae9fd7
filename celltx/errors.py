"""Error pages that never need the database.

An error page must render when the thing that failed is the database, so it is
rendered without the request's context processors (which would query it), and
a database that is down or too slow becomes a 503 that says to try again,
rather than a 500.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def server_error(request):
    _, exc, _ = sys.exc_info()
    if isinstance(exc, OperationalError | InterfaceError):
        return unavailable(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"errors": ["The server failed to answer. It has been logged."]},
            status=500,
        )
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def unavailable(request):
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"errors": ["The catalog's database is unavailable. Try again shortly."]},
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
