"""Turn fixture markdown into safe HTML."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitized: fixtures are reviewed, but not trusted."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS))  # sanitized just above
