"""celltx-evidence.csv: one row per trial result, flat, for spreadsheets.

catalog.exports lists it with the other downloads and the data package.
"""

from django.db.models import Prefetch

from catalog.evidence import number
from catalog.models import PivotalTrial, TrialResult

LIST_SEPARATOR = "; "
TITLE = "Evidence"
DESCRIPTION = (
    "One row per result of a pivotal trial, as the cited document prints it. "
    "Results of different trials are not head-to-head comparisons."
)
COLUMNS = (
    ("product", "Product slug."),
    ("indications", "Keys of the product's indications the trial supports."),
    ("trial", "The trial's key, unique within its product."),
    ("trial_name", "The trial's own name or acronym."),
    ("registry_ids", "Registry numbers (NCT…, EudraCT…), separated by “; ”."),
    ("phase", "Trial phase (1, 1/2, 2, 2/3, 3 or 4)."),
    ("design", "single-arm, randomised or non-randomised-controlled."),
    ("treated", "Number of people who received the product, if stated."),
    ("evaluable", "Number in the efficacy analysis, if stated."),
    ("endpoint", "What was measured (a code, e.g. overall-response-rate)."),
    ("endpoint_label", "What was measured, in words."),
    ("primary", "true for the trial's primary endpoint."),
    (
        "value_kind",
        "percent, median_months or hazard_ratio; empty when the endpoint label "
        "gives the figure.",
    ),
    ("value", "The figure; for a median, not-reached when not reached."),
    ("n", "The denominator of a percent (or the number analysed)."),
    ("at_months", "For a landmark rate, the time point in months."),
    ("ci_low", "Lower confidence limit (a number, not-reached or not-estimable)."),
    ("ci_high", "Upper confidence limit (a number, not-reached or not-estimable)."),
    ("ci_level", "Confidence level of the interval, in percent."),
    ("p_value", "The p value as printed."),
    (
        "reported_in",
        "Slug of the regulator whose document prints it; empty: a publication.",
    ),
    ("source_url", "The first source of the figure."),
    ("other_sources", "Further sources, separated by “; ”."),
)


def rows(request):
    results = TrialResult.objects.select_related("reported_in").prefetch_related(
        "sources"
    )
    trials = (
        PivotalTrial.objects.select_related("product")
        .prefetch_related("indications", Prefetch("results", queryset=results))
        .order_by("product__slug", "position")
    )
    for trial in trials:
        for result in trial.results.all():
            yield _row(trial, result)


def _row(trial, result):
    sources = [source.url for source in result.sources.all()]
    return {
        "product": trial.product.slug,
        "indications": _joined(i.key for i in trial.indications.all()),
        "trial": trial.key,
        "trial_name": trial.name,
        "registry_ids": _joined(trial.registry_ids),
        "phase": trial.phase,
        "design": trial.design,
        "treated": _count(trial.treated),
        "evaluable": _count(trial.evaluable),
        "endpoint": result.endpoint,
        "endpoint_label": result.endpoint_name,
        "primary": "true" if result.primary else "false",
        "value_kind": result.value_kind,
        "value": _value(result),
        "n": _count(result.n),
        "at_months": _figure(result.at_months),
        "ci_low": result.ci_low_open or _figure(result.ci_low),
        "ci_high": result.ci_high_open or _figure(result.ci_high),
        "ci_level": _figure(result.ci_level),
        "p_value": result.p_value,
        "reported_in": result.reported_in.slug if result.reported_in else "",
        "source_url": sources[0] if sources else "",
        "other_sources": _joined(sources[1:]),
    }


def _value(result):
    if result.median_not_reached:
        return "not-reached"
    kind = result.value_kind
    # An `other` endpoint may have no value: its label gives the figure.
    return _figure(getattr(result, kind)) if kind else ""


def _figure(value):
    return number(value) if value is not None else ""


def _count(value):
    return str(value) if value is not None else ""


def _joined(values):
    return LIST_SEPARATOR.join(values)
