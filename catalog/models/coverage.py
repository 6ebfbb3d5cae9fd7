"""Sweep records: which regulator lists were gone through, when, and what
they gave (fixtures/coverage/<agency>.yaml)."""

from django.db import models

from catalog.choices import SourceKind
from catalog.models.base import _choices_constraint
from catalog.models.vocabulary import Agency


class CoverageSweepQuerySet(models.QuerySet):
    def for_methodology(self):
        return self.select_related("agency").prefetch_related("lists")


class CoverageSweep(models.Model):
    """One regulator's sweep: its lists, the day, and the products in scope."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="sweep"
    )
    swept_on = models.DateField()
    products_in_scope = models.PositiveIntegerField()
    scope_note = models.TextField()
    not_found = models.TextField(blank=True)

    objects = CoverageSweepQuerySet.as_manager()

    class Meta:
        ordering = ("agency__short_name",)

    def __str__(self):
        return f"{self.agency} swept on {self.swept_on}"


class SweptList(models.Model):
    """A regulator's list or register that a sweep went through."""

    sweep = models.ForeignKey(
        CoverageSweep, on_delete=models.CASCADE, related_name="lists"
    )
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=20, choices=SourceKind)
    read_on = models.DateField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            _choices_constraint("sweptlist", "kind", SourceKind),
            models.UniqueConstraint(
                fields=["sweep", "url"], name="catalog_sweptlist_once"
            ),
        ]

    def __str__(self):
        return self.title


def coverage_by_agency():
    """Every regulator as (agency, its sweep or None, products in the catalog
    with a decision by it): swept regulators first, each group by name."""
    agencies = (
        Agency.objects.annotate(decided=models.Count("events__product", distinct=True))
        .prefetch_related(
            models.Prefetch("sweep", queryset=CoverageSweep.objects.all()),
            "sweep__lists",
        )
        .order_by("short_name")
    )
    rows = [
        (agency, getattr(agency, "sweep", None), agency.decided) for agency in agencies
    ]
    return sorted(rows, key=lambda row: row[1] is None)
