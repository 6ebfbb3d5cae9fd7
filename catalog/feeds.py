"""The public changelog: what changed when, with its source, as a page and a feed.

It is built from the data itself. Each regulatory decision is an entry dated
by the decision, and each dataset version that `seed` loaded is a "dataset
updated" entry. The catalog holds hundreds of decisions, not millions, so the
two are merged and paginated in Python.
"""

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from catalog.models import DatasetVersion, DecisionIndication, RegulatoryEvent

CHANGES_PER_PAGE = 50
FEED_ENTRIES = 50


@dataclass(frozen=True)
class Change:
    """One changelog entry: a regulatory decision or a dataset update."""

    sort_date: datetime.date
    updated: datetime.datetime
    iso_date: str
    display_date: str
    title: str
    summary: str
    link: str
    anchor: str
    source_url: str = ""
    product: object = None
    unverified: bool = False
    guid: str = ""


def changes(limit=None):
    """Every entry, newest first; on the same day, dataset updates first."""
    events = (
        RegulatoryEvent.objects.select_related("agency", "product")
        .prefetch_related(
            Prefetch(
                "indication_links",
                queryset=DecisionIndication.objects.select_related(
                    "indication"
                ).prefetch_related("indication__diseases"),
            ),
            "sources",
        )
        .order_by("-date", "product__brand_name", "-position")
    )
    versions = DatasetVersion.objects.order_by("-seeded_at")
    if limit:
        events, versions = events[:limit], versions[:limit]
    entries = [_event_change(e) for e in events] + [
        _dataset_change(v) for v in versions
    ]
    # A stable sort: entries of one day keep the order the queries gave them.
    entries.sort(key=lambda c: (c.sort_date, not c.product), reverse=True)
    return entries[:limit] if limit else entries


def _event_change(event):
    product, agency = event.product, event.agency
    what = event.get_event_type_display()
    indications = event.covered_indications
    diseases = dict.fromkeys(d.name for i in indications for d in i.diseases.all())
    summary = f"{agency.short_name}: {what}"
    if diseases:
        summary += f" for {'; '.join(diseases)}"
    if event.pathway:
        summary += f" ({event.pathway})"
    keys = "+".join(i.key for i in indications)
    anchor = f"{product.slug}-{agency.slug}-{event.event_type}-{event.iso_date}"
    return Change(
        sort_date=event.date,
        updated=datetime.datetime.combine(event.date, datetime.time.min, datetime.UTC),
        iso_date=event.iso_date,
        display_date=event.display_date,
        title=f"{product.brand_name}: {what} ({agency.short_name})",
        summary=f"{summary}.",
        link=product.get_absolute_url(),
        anchor=f"{anchor}-{keys}" if keys else anchor,
        source_url=event.source_url,
        product=product,
        unverified=event.unverified,
    )


def _dataset_change(version):
    day = version.seeded_at.date()
    return Change(
        sort_date=day,
        updated=version.seeded_at,
        iso_date=day.isoformat(),
        display_date=f"{day.day} {day:%B %Y}",
        title=f"Dataset updated to version {version.short_digest}",
        summary=(
            f"{version.product_count} products and {version.event_count} "
            "regulatory decisions."
        ),
        link=reverse("catalog:downloads"),
        anchor=f"dataset-{version.digest}",
    )


def changelog(request):
    paginator = Paginator(changes(), CHANGES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from None
    context = {
        "page_obj": page,
        "changes": page.object_list,
        # Only the page number is state here; other parameters are dropped.
        "query": QueryDict(),
    }
    return render(request, "catalog/changelog.html", context)


class ChangelogFeed(Feed):
    feed_type = Atom1Feed
    title = "CellTx changelog"
    subtitle = "New regulatory decisions on cell therapy products, and dataset updates."
    link = reverse_lazy("catalog:changelog")
    author_name = "CellTx"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(
            response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
        )
        return response

    def get_object(self, request, *args, **kwargs):
        # The feed object is shared between requests: pass the request on
        # instead of keeping it on `self`.
        return request

    def items(self, request):
        page = reverse("catalog:changelog")
        return [
            replace(change, guid=request.build_absolute_uri(f"{page}#{change.anchor}"))
            for change in changes(limit=FEED_ENTRIES)
        ]

    def item_title(self, change):
        return change.title

    def item_description(self, change):
        if not change.source_url:
            return change.summary
        note = " Not yet confirmed by a primary source." if change.unverified else ""
        return format_html(
            '{}{} <a href="{}">Source</a>', change.summary, note, change.source_url
        )

    def item_link(self, change):
        return change.link

    def item_guid(self, change):
        return change.guid

    item_guid_is_permalink = False

    def item_updateddate(self, change):
        return change.updated

    def item_pubdate(self, change):
        return change.updated
