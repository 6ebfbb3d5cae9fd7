from django import template
from django.conf import settings

from catalog.corrections import correction_url, product_fields

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
