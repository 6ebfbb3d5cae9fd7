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
