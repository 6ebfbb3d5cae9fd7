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


class SourceKind(ParseableChoices):
    """What kind of record a source is; the regulator's own comes first."""

    REGULATOR = "regulator", "Regulator's record"
    LABEL = "label", "Product label"
    SPONSOR = "sponsor", "Sponsor's announcement"
    PRESS = "press", "News report"
    JOURNAL = "journal", "Journal article"
    # A public body's record that is not the regulator's (e.g. a health
    # technology assessment agency's review).
    OTHER = "other", "Other public record"


# Where a label's own words can be read: the label, or the regulator's
# record of it. News reports and sponsors' pages quoting it do not count.
LABEL_SOURCE_KINDS = frozenset({SourceKind.REGULATOR, SourceKind.LABEL})


class IdentifierScheme(ParseableChoices):
    """Registers that number a product; the values are the fixture keys."""

    FDA_STN = "fda_stn", "FDA STN (BLA number)"
    FDA_PMA = "fda_pma", "FDA PMA number"
    FDA_HDE = "fda_hde", "FDA HDE number"
    EMA_PRODUCT_NUMBER = "ema_product_number", "EU product number"
    JP_APPROVAL_NUMBER = "jp_approval_number", "Japanese approval number"
    ATC_CODE = "atc_code", "ATC code"
    UNII = "unii", "UNII"
    NCIT_CODE = "ncit_code", "NCIt code"
    CHEMBL_ID = "chembl_id", "ChEMBL ID"


class Status(ParseableChoices):
    """Where one indication stands with one regulator, derived from its decisions
    by the rules in catalog.status."""

    APPROVED = "approved", "Approved"
    ACCELERATED = "accelerated", "Accelerated approval"
    CONDITIONAL = "conditional", "Conditional approval"
    SUSPENDED = "suspended", "Suspended"
    UNDER_REVIEW = "under-review", "Under review"
    CRL = "crl", "Complete response letter"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    LAPSED = "lapsed", "Lapsed"

    @property
    def is_authorised(self):
        return self in AUTHORISED_STATUSES

    @property
    def is_expedited(self):
        """Authorised on early evidence, pending confirmation or conversion."""
        return self in {Status.ACCELERATED, Status.CONDITIONAL}


AUTHORISED_STATUSES = frozenset(
    {Status.APPROVED, Status.ACCELERATED, Status.CONDITIONAL}
)

# When indications at one regulator stand differently, the product shows the
# best-ranked one: an approval for one disease outweighs a refusal for another.
STATUS_RANK = list(Status)


class EventType(ParseableChoices):
    """The kinds of regulatory decision; catalog.status says what each does."""

    APPROVAL = "approval", "Approval"
    ACCELERATED_APPROVAL = "accelerated-approval", "Accelerated approval"
    CONDITIONAL_APPROVAL = "conditional-approval", "Conditional approval"
    FULL_APPROVAL = "full-approval", "Converted to full approval"
    LABEL_EXPANSION = "label-expansion", "New indication approved"
    LABEL_RESTRICTION = "label-restriction", "Indication restricted"
    RENEWAL = "renewal", "Authorisation renewed"
    LICENCE_TRANSFER = "licence-transfer", "Licence transferred"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    SUSPENSION = "suspension", "Suspension"
    EXPIRY = "expiry", "Authorisation expired"
    LAPSE = "lapse", "Authorisation lapsed"
    REFUSAL = "refusal", "Refusal"
    COMPLETE_RESPONSE_LETTER = "complete-response-letter", "Complete response letter"
    FILING_ACCEPTED = "filing-accepted", "Application under review"

    @property
    def is_authorising(self):
        return self in AUTHORISING_EVENTS

    @property
    def may_cover_whole_licence(self):
        """Without named indications, these concern every indication the
        regulator has decided on (the licence as a whole)."""
        return self in WHOLE_LICENCE_EVENTS


AUTHORISING_EVENTS = frozenset(
    {
        EventType.APPROVAL,
        EventType.ACCELERATED_APPROVAL,
        EventType.CONDITIONAL_APPROVAL,
        EventType.FULL_APPROVAL,
        EventType.LABEL_EXPANSION,
    }
)
# Decisions that end an indication, and the status each leaves behind.
ENDING_EVENTS = {
    EventType.WITHDRAWAL: Status.WITHDRAWN,
    EventType.SUSPENSION: Status.SUSPENDED,
    EventType.EXPIRY: Status.EXPIRED,
    EventType.LAPSE: Status.LAPSED,
}
WHOLE_LICENCE_EVENTS = frozenset(
    {
        *ENDING_EVENTS,
        EventType.FULL_APPROVAL,
        EventType.RENEWAL,
        EventType.LICENCE_TRANSFER,
    }
)


class TrialPhase(ParseableChoices):
    PHASE_1 = "1", "Phase 1"
    PHASE_1_2 = "1/2", "Phase 1/2"
    PHASE_2 = "2", "Phase 2"
    PHASE_2_3 = "2/3", "Phase 2/3"
    PHASE_3 = "3", "Phase 3"
    PHASE_4 = "4", "Phase 4"


class TrialDesign(ParseableChoices):
    SINGLE_ARM = "single-arm", "Single-arm"
    RANDOMISED = "randomised", "Randomised"
    NON_RANDOMISED_CONTROLLED = (
        "non-randomised-controlled",
        "Non-randomised, controlled",
    )


class Endpoint(ParseableChoices):
    """What a pivotal trial measured; `lay` is the phrase patients read."""

    OVERALL_RESPONSE_RATE = "overall-response-rate", "Overall response rate"
    COMPLETE_RESPONSE_RATE = "complete-response-rate", "Complete response rate"
    COMPLETE_REMISSION_RATE = (
        "complete-remission-rate",
        "Complete remission rate (CR or CRi)",
    )
    MRD_NEGATIVE_RATE = "mrd-negative-rate", "MRD-negative rate"
    DURATION_OF_RESPONSE = "duration-of-response", "Duration of response"
    EVENT_FREE_SURVIVAL = "event-free-survival", "Event-free survival"
    PROGRESSION_FREE_SURVIVAL = (
        "progression-free-survival",
        "Progression-free survival",
    )
    OVERALL_SURVIVAL = "overall-survival", "Overall survival"
    TRANSFUSION_INDEPENDENCE = "transfusion-independence", "Transfusion independence"
    VASO_OCCLUSIVE_CRISIS_FREE = (
        "vaso-occlusive-crisis-free",
        "Free of vaso-occlusive crises",
    )
    FREE_OF_SEVERE_VASO_OCCLUSIVE_EVENTS = (
        "free-of-severe-vaso-occlusive-events",
        "Free of severe vaso-occlusive events",
    )
    MAJOR_FUNCTIONAL_DISABILITY_FREE_SURVIVAL = (
        "major-functional-disability-free-survival",
        "Survival free of major functional disability",
    )
    GROSS_MOTOR_FUNCTION = "gross-motor-function", "Gross motor function"
    ENGRAFTMENT = "engraftment", "Engraftment"
    OTHER = "other", "Other endpoint"

    @property
    def lay(self):
        """What a rate of this endpoint means, after 'N in M people …'."""
        return ENDPOINT_LAY[self]


ENDPOINT_LAY = {
    Endpoint.OVERALL_RESPONSE_RATE: "had their cancer shrink or disappear",
    Endpoint.COMPLETE_RESPONSE_RATE: "had no detectable cancer after treatment",
    Endpoint.COMPLETE_REMISSION_RATE: "had no detectable leukaemia after treatment",
    Endpoint.MRD_NEGATIVE_RATE: (
        "had no cancer cells found even by the most sensitive tests"
    ),
    Endpoint.DURATION_OF_RESPONSE: "were still responding",
    Endpoint.EVENT_FREE_SURVIVAL: (
        "were alive without their disease getting worse or needing new treatment"
    ),
    Endpoint.PROGRESSION_FREE_SURVIVAL: (
        "were alive without their disease getting worse"
    ),
    Endpoint.OVERALL_SURVIVAL: "were alive",
    Endpoint.TRANSFUSION_INDEPENDENCE: "no longer needed regular blood transfusions",
    Endpoint.VASO_OCCLUSIVE_CRISIS_FREE: "had no more pain crises",
    Endpoint.FREE_OF_SEVERE_VASO_OCCLUSIVE_EVENTS: ("had no more severe pain crises"),
    Endpoint.MAJOR_FUNCTIONAL_DISABILITY_FREE_SURVIVAL: (
        "were alive without major loss of everyday abilities"
    ),
    Endpoint.GROSS_MOTOR_FUNCTION: "reached the motor milestone measured",
    Endpoint.ENGRAFTMENT: "had the new cells take hold in the bone marrow",
    Endpoint.OTHER: "",
}


class SafetyEvent(ParseableChoices):
    """Risks a label warns of (boxed or not) or gives a severe rate for."""

    CYTOKINE_RELEASE_SYNDROME = "cytokine-release-syndrome", "Cytokine release syndrome"
    NEUROLOGIC_TOXICITIES = "neurologic-toxicities", "Neurological toxicities"
    HLH_MAS = "hlh-mas", "HLH / macrophage activation syndrome"
    PROLONGED_CYTOPENIA = "prolonged-cytopenia", "Prolonged low blood counts"
    SECONDARY_HAEMATOLOGICAL_MALIGNANCIES = (
        "secondary-haematological-malignancies",
        "Secondary blood cancers",
    )
    INFECTIONS = "infections", "Serious infections"
    HYPOGAMMAGLOBULINAEMIA = (
        "hypogammaglobulinaemia",
        "Low antibody levels (hypogammaglobulinaemia)",
    )
    HYPERSENSITIVITY = "hypersensitivity", "Allergic (hypersensitivity) reactions"
    TREATMENT_RELATED_MORTALITY = (
        "treatment-related-mortality",
        "Treatment-related death",
    )
    CARDIOPULMONARY_TOXICITY = "cardiopulmonary-toxicity", "Heart and lung toxicity"
    DELAYED_ENGRAFTMENT = "delayed-engraftment", "Delayed engraftment"
    INSERTIONAL_ONCOGENESIS = (
        "insertional-oncogenesis",
        "Cancer from the gene insertion (insertional oncogenesis)",
    )
    PARKINSONISM = "parkinsonism", "Parkinsonism"
    GUILLAIN_BARRE_SYNDROME = "guillain-barre-syndrome", "Guillain-Barré syndrome"
    TUMOUR_LYSIS_SYNDROME = "tumour-lysis-syndrome", "Tumour lysis syndrome"
    IMMUNE_EFFECTOR_CELL_ENTEROCOLITIS = (
        "immune-effector-cell-enterocolitis",
        "Immune effector cell-associated enterocolitis",
    )
    GRAFT_FAILURE = "graft-failure", "Graft failure"
    OTHER = "other", "Other warning"


class OpenBound(ParseableChoices):
    """A confidence limit the document prints as a word, not a number."""

    NOT_REACHED = "not-reached", "not reached"
    NOT_ESTIMABLE = "not-estimable", "not estimable"
