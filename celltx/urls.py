from django.urls import include, path

from celltx import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/", include("catalog.api.urls")),
    path("", include("catalog.urls")),
]

handler500 = "celltx.errors.server_error"
