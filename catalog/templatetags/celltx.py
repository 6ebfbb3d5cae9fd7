"""Template filters for how the site words things a reader must not decode."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def regulator(agency):
    """The place first, its regulator in brackets: "Japan (MHLW/PMDA)".

    A patient knows their country before they know who decides there, so no
    page names a regulator by its abbreviation alone (issue #11).
    """
    return f"{agency.region} ({agency.short_name})"


@register.filter
def lower_first(text):
    """Lower-case the first letter to run on mid-sentence, but only of an
    ordinary word: "T cells", "CAR-T cells" and "NK cells" keep their
    capitals, as names must (issue #11)."""
    text = str(text)
    word = text.split(" ", 1)[0]
    if len(word) < 2 or any(c.isupper() or c.isdigit() for c in word[1:]):
        return text
    return text[0].lower() + text[1:]


class CaptureNode(template.Node):
    # Blocks inside still take part in inheritance: Django finds them through
    # child_nodelists ("nodelist" by default).
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered output is already escaped; collapse its whitespace.
        text = " ".join(self.nodelist.render(context).split())
        context[self.name] = mark_safe(text)
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %}: render once, use twice, so a
    page's title and description also serve as its Open Graph tags."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
