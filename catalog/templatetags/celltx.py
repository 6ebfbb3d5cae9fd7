"""Template filters for how the site words things a reader must not decode."""

from django import template

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
