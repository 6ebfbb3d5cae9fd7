"""Helpers every model module shares: dates at their precision, slug managers."""

from django.db import models
from django.db.models import Q

from catalog.choices import (
    DatePrecision,
    SourceKind,
)


def display_date(date, precision):
    """A date as precisely as it is known: '30 August 2017', 'August 2017', '2017'."""
    if precision == DatePrecision.DAY:
        return f"{date.day} {date:%B %Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def iso_date(date, precision):
    """A date for <time datetime>: only the parts that are known."""
    length = {DatePrecision.DAY: 10, DatePrecision.MONTH: 7}.get(precision, 4)
    return date.isoformat()[:length]


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def _choices_constraint(model_name, field, choices):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"catalog_{model_name}_{field}_valid",
    )


class SourceRead(models.Model):
    """A page someone read for a fact: where, what kind of record, when.
    Position 0 is the best source; subclasses add what it was read for."""

    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=20, choices=SourceKind)
    title = models.CharField(max_length=400, blank=True)
    read_on = models.DateField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ("position",)

    @classmethod
    def checks(cls, model_name):
        """The constraints every subclass carries, named for its table."""
        return [
            _choices_constraint(model_name, "kind", SourceKind),
            models.CheckConstraint(
                condition=~Q(url=""), name=f"catalog_{model_name}_has_url"
            ),
        ]
