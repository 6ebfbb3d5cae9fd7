"""Counts for the methodology page, computed from the data itself."""

from django.db.models import Count, Max, Min
from django.utils.functional import cached_property

from catalog.choices import Modality, Status
from catalog.models import (
    Agency,
    DatasetVersion,
    IndicationStatus,
    Product,
    RegulatoryEvent,
)


class DatasetStats:
    @cached_property
    def version(self):
        return DatasetVersion.objects.first()

    @cached_property
    def product_count(self):
        return Product.objects.count()

    @cached_property
    def verified_range(self):
        return Product.objects.aggregate(
            oldest=Min("last_verified"), newest=Max("last_verified")
        )

    @cached_property
    def by_modality(self):
        counts = dict(
            Product.objects.values_list("modality").annotate(n=Count("pk")).order_by()
        )
        return [(m.label, counts[m.value]) for m in Modality if m.value in counts]

    @cached_property
    def by_status(self):
        """Products per indication status at any regulator (a product may count
        under several)."""
        counts = dict(
            IndicationStatus.objects.values_list("status")
            .annotate(n=Count("product", distinct=True))
            .order_by()
        )
        return [(s.label, counts[s.value]) for s in Status if s.value in counts]

    @cached_property
    def by_agency(self):
        """Per agency: products it has decided on, and how many it authorises now
        (for at least one indication)."""
        rows = Agency.objects.annotate(
            decided=Count("statuses__product", distinct=True),
        ).filter(decided__gt=0)
        authorised = dict(
            IndicationStatus.objects.matching(statuses=["authorised"])
            .values_list("agency")
            .annotate(n=Count("product", distinct=True))
            .order_by()
        )
        return [
            (agency, agency.decided, authorised.get(agency.pk, 0)) for agency in rows
        ]

    @cached_property
    def unverified_event_count(self):
        return RegulatoryEvent.objects.filter(unverified=True).count()
