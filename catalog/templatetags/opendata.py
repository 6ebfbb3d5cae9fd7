"""Template tags for the open-data parts: corrections and citation."""

from django import template
from django.conf import settings
from django.urls import reverse

from catalog.corrections import correction_url, product_fields
from catalog.licence import LICENCE, citation

register = template.Library()


@register.simple_tag(takes_context=True)
def product_correction_url(context, product):
    """The prefilled correction address for `product`, or "" when none is set."""
    if not settings.CORRECTIONS_URL:
        return ""
    page = context["request"].build_absolute_uri(product.get_absolute_url())
    version = context.get("dataset_version") or None
    fields = product_fields(product, page, version)
    return correction_url(settings.CORRECTIONS_URL, fields)


@register.simple_tag(takes_context=True)
def dataset_citation(context, version):
    """The "cite this dataset" line for `version` (None: nothing loaded)."""
    url = context["request"].build_absolute_uri(reverse("catalog:downloads"))
    return citation(version, url)


@register.inclusion_tag("catalog/includes/data_licence.html", takes_context=True)
def data_licence(context, version):
    """The licence statement and the "cite this dataset" line."""
    return {
        "licence": LICENCE,
        "citation": dataset_citation(context, version),
    }
