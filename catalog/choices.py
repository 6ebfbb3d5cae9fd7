"""Enumerations shared by the models, the fixtures and the query strings.

Values are stable lowercase slugs (they appear in fixtures and URLs); labels are
for people.
"""

from django.db import models


class ParseableChoices(models.TextChoices):
    @classmethod
    def parse(cls, value):
        """The member for `value`, or None for anything else (junk from a URL)."""
        try:
            return cls(value)
        except ValueError:
            return None


class Modality(ParseableChoices):
    CAR_T = "car-t", "CAR-T cells"
    TCR_T = "tcr-t", "TCR-T cells"
    TIL = "til", "Tumour-infiltrating lymphocytes"
    NK = "nk", "NK cells"
    DENDRITIC = "dendritic", "Dendritic and antigen-presenting cells"
    VIRUS_SPECIFIC_T = "virus-specific-t", "Virus-specific T cells"
    MSC = "msc", "Mesenchymal stromal cells"
    GENE_MODIFIED_HSC = "gene-modified-hsc", "Gene-modified blood stem cells"
    CORD_BLOOD_HPC = "cord-blood-hpc", "Cord blood stem cells"
    TISSUE_ENGINEERED = "tissue-engineered", "Tissue-engineered products"
    ISLET = "islet", "Pancreatic islets"
    THYMUS = "thymus", "Thymus tissue"
    ENCAPSULATED_CELL = "encapsulated-cell", "Encapsulated cells"
    OTHER = "other", "Other cell therapies"


class DonorRelation(ParseableChoices):
    AUTOLOGOUS = "autologous", "Autologous (the patient's own cells)"
    ALLOGENEIC = "allogeneic", "Allogeneic (cells from a donor)"


class Tissue(ParseableChoices):
    PERIPHERAL_BLOOD = "peripheral-blood", "Peripheral blood"
    MOBILISED_PERIPHERAL_BLOOD = (
        "mobilised-peripheral-blood",
        "Mobilised blood stem cells",
    )
    BONE_MARROW = "bone-marrow", "Bone marrow"
    CORD_BLOOD = "cord-blood", "Umbilical cord blood"
    UMBILICAL_CORD = "umbilical-cord", "Umbilical cord tissue"
    ADIPOSE_TISSUE = "adipose-tissue", "Adipose (fat) tissue"
    SKIN = "skin", "Skin"
    CARTILAGE = "cartilage", "Cartilage"
    PANCREATIC_ISLETS = "pancreatic-islets", "Pancreatic islets"
    THYMUS = "thymus", "Thymus"
    LIMBUS = "limbus", "Limbus of the eye"
    MUSCLE = "muscle", "Skeletal muscle"
    TUMOUR_TISSUE = "tumour-tissue", "Tumour tissue"
    IPSC = "ipsc", "Induced pluripotent stem cells"
    EMBRYONIC_STEM_CELLS = "embryonic-stem-cells", "Embryonic stem cells"
    CELL_LINE = "cell-line", "Established cell line"
    OTHER = "other", "Other tissue"


class GeneModification(ParseableChoices):
    NONE = "none", "None"
    LENTIVIRAL = "lentiviral", "Lentiviral vector"
    GAMMA_RETROVIRAL = "gamma-retroviral", "Gamma-retroviral vector"
    CRISPR = "crispr", "CRISPR gene editing"
    TRANSPOSON = "transposon", "Transposon"
    OTHER = "other", "Other modification"


class TherapeuticArea(ParseableChoices):
    CANCER = "cancer", "Cancer"
    BLOOD_AND_IMMUNE = "blood-and-immune", "Blood and immune system"
    GENETIC_AND_METABOLIC = "genetic-and-metabolic", "Genetic and metabolic diseases"
    NERVOUS_SYSTEM = "nervous-system", "Brain and nerves"
    ENDOCRINE = "endocrine", "Hormones and metabolism"
    SKIN_AND_TISSUE = "skin-and-tissue", "Skin, wounds and tissue repair"
    MUSCULOSKELETAL = "musculoskeletal", "Bones, joints and muscles"
    EYE = "eye", "Eye"
    CARDIOVASCULAR = "cardiovascular", "Heart and blood vessels"
    DIGESTIVE = "digestive", "Digestive system and liver"
    OTHER = "other", "Other"


class SynonymKind(ParseableChoices):
    ABBREVIATION = "abbreviation", "Abbreviation"
    LAY = "lay", "Lay term"
    SPELLING = "spelling", "Other spelling"
    FORMER = "former", "Former name"
    SYNONYM = "synonym", "Synonym"


class AliasKind(ParseableChoices):
    BRAND = "brand", "Brand name"
    CODE = "code", "Code name"
    FORMER = "former", "Former name"
    OTHER = "other", "Other name"


class DatePrecision(ParseableChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Status(ParseableChoices):
    """Where a product stands with one agency, derived from its events."""

    APPROVED = "approved", "Approved"
    ACCELERATED = "accelerated", "Accelerated approval"
    CONDITIONAL = "conditional", "Conditional approval"
    SUSPENDED = "suspended", "Suspended"
    UNDER_REVIEW = "under-review", "Under review"
    CRL = "crl", "Complete response letter"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"

    @property
    def is_authorised(self):
        return self in {Status.APPROVED, Status.ACCELERATED, Status.CONDITIONAL}


AUTHORISED_STATUSES = [Status.APPROVED, Status.ACCELERATED, Status.CONDITIONAL]

# When indications at one agency stand differently, the product shows the
# best-ranked one: an approval for one disease outweighs a refusal for another.
STATUS_RANK = list(Status)


class EventType(ParseableChoices):
    APPROVAL = "approval", "Approval"
    ACCELERATED_APPROVAL = "accelerated-approval", "Accelerated approval"
    CONDITIONAL_APPROVAL = "conditional-approval", "Conditional approval"
    FULL_APPROVAL = "full-approval", "Converted to full approval"
    LABEL_EXPANSION = "label-expansion", "New indication approved"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    SUSPENSION = "suspension", "Suspension"
    REFUSAL = "refusal", "Refusal"
    COMPLETE_RESPONSE_LETTER = "complete-response-letter", "Complete response letter"
    FILING_ACCEPTED = "filing-accepted", "Application under review"
    LAPSE = "lapse", "Authorization lapsed"

    @property
    def resulting_status(self):
        return EVENT_STATUS[self]

    @property
    def applies_to_whole_product(self):
        """Without named indications, these events end every indication."""
        return self in {EventType.WITHDRAWAL, EventType.SUSPENSION, EventType.LAPSE}


EVENT_STATUS = {
    EventType.APPROVAL: Status.APPROVED,
    EventType.ACCELERATED_APPROVAL: Status.ACCELERATED,
    EventType.CONDITIONAL_APPROVAL: Status.CONDITIONAL,
    EventType.FULL_APPROVAL: Status.APPROVED,
    EventType.LABEL_EXPANSION: Status.APPROVED,
    EventType.WITHDRAWAL: Status.WITHDRAWN,
    EventType.SUSPENSION: Status.SUSPENDED,
    EventType.REFUSAL: Status.REFUSED,
    EventType.COMPLETE_RESPONSE_LETTER: Status.CRL,
    EventType.FILING_ACCEPTED: Status.UNDER_REVIEW,
    EventType.LAPSE: Status.LAPSED,
}

AUTHORISING_EVENTS = [
    EventType.APPROVAL,
    EventType.ACCELERATED_APPROVAL,
    EventType.CONDITIONAL_APPROVAL,
    EventType.FULL_APPROVAL,
    EventType.LABEL_EXPANSION,
]
