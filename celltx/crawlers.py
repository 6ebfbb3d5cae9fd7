"""robots.txt and sitemap.xml: what crawlers may read, and every page to read."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from catalog.models import (
    Agency,
    CellSource,
    Company,
    Disease,
    Guide,
    Mechanism,
    Product,
    Target,
)

# Pages with one address each; search and compare take endless query strings.
PAGES = (
    "catalog:home",
    "catalog:product-list",
    "catalog:disease-list",
    "catalog:mechanism-list",
    "catalog:agency-list",
    "catalog:sponsor-list",
    "catalog:target-list",
    "catalog:cell-source-list",
    "catalog:glossary",
    "catalog:methodology",
    "catalog:downloads",
    "catalog:changelog",
    "api:docs",
)
MODELS = (Product, Disease, Mechanism, Agency, Company, Target, CellSource, Guide)


def favicon(request):
    # For clients that ask without reading the page's <link rel="icon">; not
    # permanent, as the file's hashed name changes with its content.
    return redirect(static("img/favicon.svg"))


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "Disallow: /compare/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def sitemap_xml(request):
    paths = [reverse(name) for name in PAGES]
    for model in MODELS:
        paths += [obj.get_absolute_url() for obj in model.objects.only("slug")]
    urls = [request.build_absolute_uri(path) for path in paths]
    return render(
        request, "sitemap.xml", {"urls": urls}, content_type="application/xml"
    )
