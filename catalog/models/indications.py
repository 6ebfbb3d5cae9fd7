"""Indications, the diseases they cover, and where each stands with each
regulator (the status table every page reads)."""

from django.db import models
from django.db.models import Prefetch

from catalog.choices import (
    AUTHORISED_STATUSES,
    STATUS_RANK,
    DatePrecision,
    Status,
)
from catalog.models.base import (
    _choices_constraint,
    display_date,
    iso_date,
)
from catalog.models.vocabulary import Agency, Disease


class IndicationQuerySet(models.QuerySet):
    def with_diseases(self):
        return self.prefetch_related(
            Prefetch(
                "diseases",
                queryset=Disease.objects.order_by("indicationdisease__position"),
            )
        )


class Indication(models.Model):
    """One clinical use of a product, the same whichever regulator decided on it."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="indications"
    )
    key = models.SlugField()
    diseases = models.ManyToManyField(
        Disease, through="IndicationDisease", related_name="indications"
    )
    population = models.CharField(max_length=300)
    line_of_therapy = models.CharField(max_length=600, blank=True)
    restrictions = models.CharField(max_length=600, blank=True)
    position = models.PositiveSmallIntegerField()

    objects = IndicationQuerySet.as_manager()

    class Meta:
        ordering = ("product", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "key"], name="catalog_indication_key_once"
            ),
        ]

    def __str__(self):
        return f"{self.disease_names} – {self.population}"

    def get_absolute_url(self):
        return f"{self.product.get_absolute_url()}#indication-{self.key}"

    @property
    def disease_names(self):
        return "; ".join(disease.name for disease in self.diseases.all())

    @property
    def wording(self):
        """The indication in one line: population, line of therapy, restrictions."""
        parts = [self.population, self.line_of_therapy, self.restrictions]
        return "; ".join(part for part in parts if part)


class IndicationDisease(models.Model):
    indication = models.ForeignKey(Indication, on_delete=models.CASCADE)
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT)
    # The indication's product, repeated so that search can rank products by
    # disease without joining the indications of a large catalog.
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "disease"], name="catalog_indicationdisease_once"
            ),
        ]

    def __str__(self):
        return f"{self.indication_id} – {self.disease_id}"


class IndicationStatusQuerySet(models.QuerySet):
    def matching(
        self,
        diseases=None,
        exact=False,
        areas=None,
        agencies=None,
        countries=None,
        statuses=None,
        approved_from=None,
        approved_to=None,
        products=None,
    ):
        """Rows meeting every given criterion (None: any), all on one row.

        `diseases` are Disease objects or slugs; a row matches when its
        indication covers one of them or, unless `exact`, a narrower disease.
        `statuses` may hold "authorised" for any authorising status.
        `approved_from`/`approved_to` are years of first authorisation.
        """
        rows = self
        if diseases:
            wanted = Disease.objects.filter(
                slug__in=[getattr(d, "slug", d) for d in diseases]
            )
            if not exact:
                wanted = wanted.and_narrower()
            rows = rows.filter(
                indication__in=IndicationDisease.objects.filter(
                    disease__in=wanted
                ).values("indication_id")
            )
        if areas:
            rows = rows.filter(
                indication__in=IndicationDisease.objects.filter(
                    disease__therapeutic_area__in=areas
                ).values("indication_id")
            )
        if agencies:
            rows = rows.filter(agency__slug__in=agencies)
        if countries:
            rows = rows.filter(agency__country__in=countries)
        if statuses:
            rows = rows.filter(status__in=expand_statuses(statuses))
        if approved_from:
            rows = rows.filter(first_authorised_on__year__gte=approved_from)
        if approved_to:
            rows = rows.filter(first_authorised_on__year__lte=approved_to)
        if products:
            rows = rows.filter(product__slug__in=products)
        return rows

    def for_table(self):
        """What a row of the open authorisations table shows."""
        return self.select_related("product", "indication", "agency").prefetch_related(
            Prefetch(
                "indication__diseases",
                queryset=Disease.objects.order_by("indicationdisease__position"),
            )
        )


AUTHORISED = "authorised"


def expand_statuses(statuses):
    """Status values, with "authorised" standing for every authorising one."""
    values = {s for s in statuses if s != AUTHORISED}
    if AUTHORISED in statuses:
        values |= {s.value for s in AUTHORISED_STATUSES}
    return sorted(values)


class IndicationStatus(models.Model):
    """Where one indication stands with one regulator, derived at seed time
    from the decisions by catalog.status; every page reads this table."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="statuses"
    )
    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="statuses"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(max_length=20, choices=Status)
    since = models.DateField()
    since_precision = models.CharField(max_length=10, choices=DatePrecision)
    since_event = models.ForeignKey(
        "catalog.RegulatoryEvent", on_delete=models.CASCADE, related_name="+"
    )
    first_authorised_on = models.DateField(null=True, blank=True)
    first_authorised_precision = models.CharField(
        max_length=10, choices=DatePrecision, blank=True
    )
    under_review_since = models.DateField(null=True, blank=True)
    restricted_on = models.DateField(null=True, blank=True)
    # The regulator's own words for this indication, from its latest decision
    # that gave any, and the best source of the decision behind the status.
    wording = models.TextField(blank=True)
    source_url = models.URLField(max_length=500)

    objects = IndicationStatusQuerySet.as_manager()

    class Meta:
        ordering = ("product", "indication__position", "agency__short_name")
        verbose_name_plural = "indication statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "agency"], name="catalog_indicationstatus_once"
            ),
            _choices_constraint("indicationstatus", "status", Status),
        ]
        indexes = [
            # The product list filters by regulator and status together.
            models.Index(fields=["agency", "status"], name="catalog_status_agency_idx"),
        ]

    def __str__(self):
        return f"{self.indication} – {self.agency}: {self.get_status_display()}"

    @property
    def state(self):
        return Status(self.status)

    @property
    def rank(self):
        return STATUS_RANK.index(self.state)

    @property
    def is_under_review(self):
        return self.under_review_since is not None

    @property
    def is_restricted(self):
        return self.restricted_on is not None

    @property
    def label(self):
        """'Conditional approval; under review', 'Approved (restricted)'."""
        text = self.state.label
        if self.restricted_on:
            text += " (restricted)"
        if self.under_review_since:
            text += "; under review"
        return text

    @property
    def display_since(self):
        return display_date(self.since, self.since_precision)

    @property
    def iso_since(self):
        return iso_date(self.since, self.since_precision)

    @property
    def display_first_authorised(self):
        if self.first_authorised_on is None:
            return ""
        return display_date(self.first_authorised_on, self.first_authorised_precision)

    @property
    def iso_first_authorised(self):
        if self.first_authorised_on is None:
            return None
        return iso_date(self.first_authorised_on, self.first_authorised_precision)
