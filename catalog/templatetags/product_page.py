"""What the product page derives from the prefetched product for display:
the "at a glance" panel and the numbered sources. Nothing here queries the
database; everything reads ProductQuerySet.for_detail()'s prefetches."""

import json
from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog.choices import EventType

register = template.Library()

# Events whose news belongs on the first screen: a licence ending or narrowing.
STATUS_CHANGE_EVENTS = frozenset(
    {
        EventType.WITHDRAWAL,
        EventType.SUSPENSION,
        EventType.EXPIRY,
        EventType.LAPSE,
        EventType.LABEL_RESTRICTION,
        EventType.REFUSAL,
        EventType.COMPLETE_RESPONSE_LETTER,
    }
)


@dataclass
class Authorisation:
    """A regulator that authorises the product now, and since when."""

    agency: object
    label: str
    first: object  # the status row authorised earliest there

    @property
    def display_date(self):
        return self.first.display_first_authorised or self.first.display_since

    @property
    def iso_date(self):
        return self.first.iso_first_authorised or self.first.iso_since


@dataclass
class Glance:
    diseases: list = field(default_factory=list)
    authorised: list = field(default_factory=list)
    not_authorised: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    time_limited: list = field(default_factory=list)


@register.simple_tag
def product_glance(product):
    """The facts a patient looks for first: for which diseases, where it is
    authorised and since when, and any licence withdrawn, refused or ended."""
    glance = Glance()
    for indication in product.indications.all():
        for disease in indication.diseases.all():
            if disease not in glance.diseases:
                glance.diseases.append(disease)
    for summary in product.agency_summaries:
        if summary.state.is_authorised:
            dated = [r for r in summary.rows if r.first_authorised_on]
            first = min(dated or summary.rows, key=_first_day)
            label = summary.deciding.label
            glance.authorised.append(Authorisation(summary.agency, label, first))
        else:
            glance.not_authorised.append(summary)
    glance.authorised.sort(key=lambda a: (_first_day(a.first), a.agency.region))
    # A regulator that no longer authorises it is already named, with its
    # status and date; changes here are those where some approval stands.
    lost = {summary.agency for summary in glance.not_authorised}
    for event in product.events.all():
        if event.event_type in STATUS_CHANGE_EVENTS and event.agency not in lost:
            glance.changes.append(event)
        if event.term_ends:
            glance.time_limited.append(event)
    return glance


def _first_day(row):
    return row.first_authorised_on or row.since


@dataclass
class Source:
    number: int
    url: str
    title: str
    kind: str
    read_on: object = None
    about: str = ""
    notes: list = field(default_factory=list)


@dataclass
class Sources:
    """Every source the page cites, numbered once in order of first use, and
    each decision with the numbers of its sources."""

    entries: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    by_url: dict = field(default_factory=dict)

    def cite(self, url, **details):
        if url not in self.by_url:
            source = Source(len(self.entries) + 1, url, **details)
            self.by_url[url] = source
            self.entries.append(source)
        return self.by_url[url]


@register.simple_tag
def product_sources(product):
    """Numbered sources for the decisions and licence transfers; a curator's
    note is listed with the source it explains, not in the timeline."""
    sources = Sources()
    for event in product.events.all():
        about = f"{event.agency.region} ({event.agency.short_name}), "
        about += f"{event.get_event_type_display().lower()}, {event.display_date}"
        cited = [
            sources.cite(
                s.url,
                title=s.title,
                kind=s.get_kind_display(),
                read_on=s.read_on,
                about=about,
            )
            for s in event.sources.all()
        ]
        if event.note and cited:
            cited[0].notes.append(event.note)
        sources.timeline.append((event, cited))
    for change in product.holder_changes.all():
        about = f"licence transfer, {change.display_date}"
        sources.cite(change.source_url, title="", kind="Record", about=about)
    return sources


@register.simple_tag
def cite(sources, url, title="", kind="Source", about=""):
    """The number of `url` in the page's sources, adding it if new, for
    sections included before the sources list:
    {% cite sources url title as number %}<a class="ref" href="#source-{{ number }}">."""
    return sources.cite(url, title=title, kind=kind, about=about).number


# As django.utils.html.json_script: no "</script>" or comment can close the
# block early, whatever the data holds.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def product_json_ld(context, product):
    """schema.org data for search engines, as a data block: browsers never run
    a script whose type is not JavaScript, so the CSP's script-src does not
    apply to it (and it adds no inline script)."""
    request = context["request"]
    aliases = [alias.name for alias in product.aliases.all()]
    if product.nonproprietary_name:
        aliases.insert(0, product.nonproprietary_name)
    data = {
        "@context": "https://schema.org",
        "@type": "Drug",
        "name": product.brand_name,
        "alternateName": list(dict.fromkeys(aliases)),
        "description": product.summary,
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "manufacturer": {"@type": "Organization", "name": product.sponsor.name},
    }
    if product.nonproprietary_name:
        data["nonProprietaryName"] = product.nonproprietary_name
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )
