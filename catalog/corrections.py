"""The "report a correction" address, prefilled with a product and the data
version, so that a report says exactly which facts it is about."""

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit


def correction_url(base: str, fields: dict[str, str]) -> str:
    """`base` (mailto: or https://) with `fields` added; "" when `base` is."""
    if not base:
        return ""
    if base.startswith("mailto:"):
        return _mailto(base, fields)
    parts = urlsplit(base)
    query = urlencode([*parse_qsl(parts.query), *fields.items()])
    return urlunsplit(parts._replace(query=query))


def _mailto(base: str, fields: dict[str, str]) -> str:
    """RFC 6068: a subject naming the product, the fields in the body.

    Spaces must be %20 there (not "+"), hence quote rather than urlencode.
    """
    subject = f"Correction: {fields['product']}"
    body = "".join(f"{name}: {value}\n" for name, value in fields.items())
    body += "\nWhat should change, and the source that shows it:\n"
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"{base}{'&' if '?' in base else '?'}{query}"


def product_fields(product, page_url: str, version) -> dict[str, str]:
    """What a report about `product` should name."""
    return {
        "product": product.brand_name,
        "slug": product.slug,
        "page": page_url,
        "data_version": version.digest if version else "not loaded",
    }
