"""Turn fixture markdown into safe HTML, resolving links into the catalog.

Prose in the fixtures links to catalog pages with short internal links such as
`[Kymriah](product:tisagenlecleucel)` or `[leukapheresis](glossary:leukapheresis)`;
`seed` checks that each one points at a record that exists.
"""

import re

import markdown
import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
INTERNAL_LINK = re.compile(
    r"\]\((?P<kind>glossary|product|disease|mechanism|guide):(?P<slug>[-a-z0-9]+)\)"
)
LINK_KINDS = {
    "glossary": "glossary term",
    "product": "product",
    "disease": "disease",
    "mechanism": "mechanism",
    "guide": "guide",
}


def internal_links(text: str) -> list[tuple[str, str]]:
    """(kind, slug) of every internal link in `text`."""
    return [(m["kind"], m["slug"]) for m in INTERNAL_LINK.finditer(text)]


def _url(kind: str, slug: str) -> str:
    if kind == "glossary":
        return f"{reverse('catalog:glossary')}#{slug}"
    return reverse(f"catalog:{kind}-detail", args=[slug])


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitized: fixtures are reviewed, but not trusted."""
    text = INTERNAL_LINK.sub(lambda m: f"]({_url(m['kind'], m['slug'])})", text)
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(html, tags=ALLOWED_TAGS, link_rel=None)
    return mark_safe(clean)  # sanitized just above
