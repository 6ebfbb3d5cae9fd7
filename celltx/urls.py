from django.urls import include, path

from celltx import crawlers, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path("sitemap.xml", crawlers.sitemap_xml, name="sitemap"),
    path("favicon.ico", crawlers.favicon, name="favicon"),
    path("api/", include("catalog.api.urls")),
    path("", include("catalog.urls")),
]

handler500 = "celltx.errors.server_error"
