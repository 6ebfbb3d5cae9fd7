"""How much of the engineered and gene-modified catalog carries its evidence
(issue #12's target: 95%). `data_audit` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from catalog.choices import (
    AUTHORISED_STATUSES,
    LABEL_SOURCE_KINDS,
    GeneModification,
    Modality,
    SourceKind,
)
from catalog.models import IndicationStatus, PivotalTrial, Product

TARGET_SHARE = 0.95
ENGINEERED_MODALITIES = (
    Modality.CAR_T,
    Modality.TCR_T,
    Modality.TIL,
    Modality.GENE_MODIFIED_HSC,
)


@dataclass
class EvidenceCoverage:
    indications: int = 0
    covered_indications: int = 0
    products: int = 0
    products_with_safety: int = 0
    # (product slug, indication key) without a registered trial and primary result
    missing_trials: list = field(default_factory=list)
    missing_safety: list = field(default_factory=list)

    @property
    def trial_share(self):
        return _share(self.covered_indications, self.indications)

    @property
    def safety_share(self):
        return _share(self.products_with_safety, self.products)


# The bar: a figure counts when it was read in the label, the
# assessment report or the trial's publication. Press, sponsor and copy sites
# stay on the page, marked by their kind, but do not count towards it.
TRIAL_KINDS = LABEL_SOURCE_KINDS | {SourceKind.JOURNAL}


def _read_in(fact, kinds):
    return any(source.kind in kinds for source in fact.sources.all())


def _share(part, whole):
    return part / whole if whole else 1.0


def in_scope():
    """Engineered and gene-modified products: their evidence comes first."""
    return Product.objects.filter(
        Q(modality__in=ENGINEERED_MODALITIES)
        | ~Q(gene_modification=GeneModification.NONE)
    )


def evidence_coverage() -> EvidenceCoverage:
    """Authorised indications of products in scope that rest on a pivotal
    trial with a registry ID and a primary result; products in scope with
    at least one regulator's label safety."""
    authorised = IndicationStatus.objects.filter(
        status__in=AUTHORISED_STATUSES
    ).select_related("indication")
    trials = PivotalTrial.objects.prefetch_related("indications", "results__sources")
    products = (
        in_scope()
        .order_by("slug")
        .prefetch_related(
            Prefetch("statuses", queryset=authorised, to_attr="authorised_rows"),
            Prefetch("trials", queryset=trials),
            "safety_labels__sources",
        )
    )
    coverage = EvidenceCoverage()
    for product in products:
        _count_product(coverage, product)
    return coverage


def _count_product(coverage, product):
    indications = {row.indication.pk: row.indication for row in product.authorised_rows}
    if not indications:
        return  # nothing authorised: no evidence is expected yet
    coverage.products += 1
    if any(label.read_in_label for label in product.safety_labels.all()):
        coverage.products_with_safety += 1
    else:
        coverage.missing_safety.append(product.slug)
    backed = {
        indication.pk
        for trial in product.trials.all()
        if trial.registry_ids
        and any(r.primary and _read_in(r, TRIAL_KINDS) for r in trial.results.all())
        for indication in trial.indications.all()
    }
    for pk, indication in sorted(indications.items(), key=lambda i: i[1].position):
        coverage.indications += 1
        if pk in backed:
            coverage.covered_indications += 1
        else:
            coverage.missing_trials.append((product.slug, indication.key))
