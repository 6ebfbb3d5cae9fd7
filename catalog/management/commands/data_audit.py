"""Print what a curator must look at in the loaded data.

Decisions without the regulator's own record among their sources (and, above
all, authorisations by the regulators that must always be cited), dates known
only to the month or year, products not checked for six months,
conditional approvals in Japan with no term recorded, time-limited
approvals whose term ends soon or has passed with nothing recorded since,
identifiers without the page they were read in, and prose (explainers,
guides, glossary entries) not reviewed for a year or older than a label
change of a product it names.
"""

from django.core.management.base import BaseCommand

from catalog.audit import (
    PROSE_REVIEW_DAYS,
    REGULATORS_THAT_MUST_BE_CITED,
    STALE_AFTER_DAYS,
    TERM_WARNING_DAYS,
    prose_after_label_changes,
    run_audit,
    stale_prose,
)
from catalog.audit_evidence import TARGET_SHARE, evidence_coverage


class Command(BaseCommand):
    help = (
        "List the data's weak spots: uncited decisions, coarse dates, stale products."
    )

    def handle(self, *args, verbosity, **options):
        audit = run_audit()
        self.stdout.write(
            f"{audit.with_regulator_source} of {audit.decisions} decisions "
            f"({audit.regulator_source_share:.0%}) cite the regulator's own record."
        )
        self.section(
            "Authorisations by "
            + ", ".join(REGULATORS_THAT_MUST_BE_CITED)
            + " without a regulator source",
            audit.uncited_authorisations,
            self.event_line,
            verbosity,
        )
        self.section(
            "Other decisions without a regulator source",
            [
                e
                for e in audit.without_regulator_source
                if e not in audit.uncited_authorisations
            ],
            self.event_line,
            verbosity,
        )
        self.section(
            "Dates known only to the month or year",
            audit.coarse_dates,
            self.event_line,
            verbosity,
        )
        self.section(
            f"Products not verified in the last {STALE_AFTER_DAYS} days",
            audit.stale_products,
            lambda p: f"{p.slug} (last verified {p.last_verified:%Y-%m-%d})",
            verbosity,
        )
        self.section(
            "Conditional approvals in Japan with no term recorded (check it)",
            audit.conditional_approvals,
            self.event_line,
            verbosity,
        )
        self.opendata_sections(audit, verbosity)

    def opendata_sections(self, audit, verbosity):
        self.section(
            f"Statuses that will change soon (terms ending within "
            f"{TERM_WARNING_DAYS} days or passed, nothing recorded since)",
            audit.terms_ending,
            lambda e: f"{self.event_line(e)}, term ends {e.term_ends:%Y-%m-%d}",
            verbosity,
        )
        self.section(
            "Identifiers without a source",
            audit.identifiers_without_source,
            lambda i: f"{i.product.slug}: {i.scheme} {i.value}",
            verbosity,
        )

        self.prose_sections(verbosity)
        self.evidence_sections(verbosity)

    def evidence_sections(self, verbosity):
        coverage = evidence_coverage()
        style = (
            self.style.SUCCESS
            if min(coverage.trial_share, coverage.safety_share) >= TARGET_SHARE
            else self.style.WARNING
        )
        self.stdout.write(
            style(
                f"\nEvidence (engineered and gene-modified products, target "
                f"{TARGET_SHARE:.0%}): {coverage.covered_indications} of "
                f"{coverage.indications} authorised indications "
                f"({coverage.trial_share:.0%}) rest on a pivotal trial with a "
                f"registry ID and a primary result read in the label, an assessment "
                f"report or the trial's publication; {coverage.products_with_safety} "
                f"of {coverage.products} products ({coverage.safety_share:.0%}) "
                "have label safety read in a label or a regulator's record."
            )
        )
        self.section(
            "Authorised indications without a registered pivotal trial and "
            "primary result",
            coverage.missing_trials,
            lambda pair: f"{pair[0]}: {pair[1]}",
            verbosity,
        )
        self.section(
            "Products without label safety",
            coverage.missing_safety,
            str,
            verbosity,
        )

    def prose_sections(self, verbosity):
        self.section(
            f"Prose not reviewed in the last {PROSE_REVIEW_DAYS} days",
            stale_prose(),
            self.prose_line,
            verbosity,
        )
        self.section(
            "Prose naming a product whose label changed after its review",
            prose_after_label_changes(),
            lambda change: (
                f"{self.prose_line(change.prose)} names {self.event_line(change.event)}"
            ),
            verbosity,
        )

    @staticmethod
    def prose_line(record):
        return (
            f"{record._meta.verbose_name} {record.slug} "
            f"(last reviewed {record.last_reviewed:%Y-%m-%d})"
        )

    def section(self, title, items, line, verbosity):
        style = self.style.WARNING if items else self.style.SUCCESS
        self.stdout.write(style(f"\n{title}: {len(items)}"))
        if verbosity >= 1:
            for item in items:
                self.stdout.write(f"  {line(item)}")

    @staticmethod
    def event_line(event):
        return (
            f"{event.product.slug}: {event.agency.slug} "
            f"{event.event_type} {event.iso_date}"
        )
