"""The catalog's models, one module per concern; import them from here.

Modules import downwards only: base ← vocabulary ← indications ← decisions ←
products ← content; evidence sits beside decisions (it needs indications). Relations that point upwards name their model as a string.
"""

from catalog.models.base import SlugManager, SlugQuerySet, display_date, iso_date
from catalog.models.content import (
    DatasetVersion,
    GlossaryTerm,
    Guide,
    SearchTerm,
    SearchToken,
)
from catalog.models.coverage import CoverageSweep, SweptList, coverage_by_agency
from catalog.models.decisions import (
    DatedFact,
    DecisionIndication,
    DecisionSource,
    HolderChange,
    RegulatoryEvent,
)
from catalog.models.evidence import (
    Administration,
    EvidenceSource,
    LabelSafety,
    LabelWarning,
    PivotalTrial,
    ProductEvidence,
    RiskProgramme,
    SevereRate,
    TrialResult,
    prefetch_evidence,
)
from catalog.models.indications import (
    AUTHORISED,
    Indication,
    IndicationDisease,
    IndicationStatus,
    expand_statuses,
)
from catalog.models.products import (
    AgencySummary,
    Product,
    ProductAlias,
    ProductIdentifier,
    ProductMechanism,
)
from catalog.models.vocabulary import (
    Agency,
    CellSource,
    Company,
    Disease,
    DiseaseLineage,
    DiseaseSynonym,
    Mechanism,
    MechanismReference,
    ProductFamily,
    Reference,
    Target,
)

__all__ = [
    "AUTHORISED",
    "Administration",
    "Agency",
    "AgencySummary",
    "CellSource",
    "Company",
    "CoverageSweep",
    "DatasetVersion",
    "DatedFact",
    "DecisionIndication",
    "DecisionSource",
    "Disease",
    "DiseaseLineage",
    "DiseaseSynonym",
    "EvidenceSource",
    "GlossaryTerm",
    "Guide",
    "HolderChange",
    "Indication",
    "IndicationDisease",
    "IndicationStatus",
    "LabelSafety",
    "LabelWarning",
    "Mechanism",
    "MechanismReference",
    "PivotalTrial",
    "Product",
    "ProductAlias",
    "ProductEvidence",
    "ProductFamily",
    "ProductIdentifier",
    "ProductMechanism",
    "Reference",
    "RegulatoryEvent",
    "RiskProgramme",
    "SearchTerm",
    "SearchToken",
    "SevereRate",
    "SlugManager",
    "SlugQuerySet",
    "SweptList",
    "coverage_by_agency",
    "Target",
    "TrialResult",
    "display_date",
    "expand_statuses",
    "iso_date",
    "prefetch_evidence",
]
