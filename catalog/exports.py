"""Downloads: any product list as CSV, and the whole dataset as JSON and CSV.

Every file is built from the API's serializers, so a date, a status or a list
of mechanisms reads the same in the API, the JSON and the CSV files. The
dataset files carry the dataset version (`DatasetVersion.digest`) and the time
they were generated, in the JSON's `dataset` object and in the last two
columns of every CSV row, so a saved file still says what it is.
"""

import csv
from dataclasses import dataclass

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from catalog.api.filters import non_empty
from catalog.api.serializers import DiseaseSerializer, ProductSerializer
from catalog.api.views import CACHE_SECONDS, DiseaseViewSet
from catalog.choices import DonorRelation, Modality, Status, Tissue
from catalog.filters import ProductFilter
from catalog.models import DatasetVersion, Product

LIST_SEPARATOR = "; "
VERSION_COLUMNS = (
    ("dataset_version", "The dataset version (its digest) the file was made from."),
    ("generated_at", "When the file was generated (UTC, ISO 8601)."),
)


@dataclass(frozen=True)
class Table:
    """One CSV download: its columns, described for the data dictionary."""

    name: str
    title: str
    description: str
    columns: tuple[tuple[str, str], ...]

    @property
    def filename(self):
        return f"celltx-{self.name}.csv"

    @property
    def fieldnames(self):
        return [name for name, _ in self.columns + VERSION_COLUMNS]


PRODUCTS = Table(
    "products",
    "Products",
    "One row per product.",
    (
        ("slug", "Stable identifier; the product's page is /products/<slug>/."),
        ("brand_name", "The name it is sold under."),
        ("inn", "International nonproprietary name, if any."),
        ("fda_proper_name", "The FDA's proper name, if any."),
        ("code_names", "Development codes, separated by “; ”."),
        ("aliases", "Every other name (codes, regional brands, former names)."),
        ("modality", "Kind of therapy (a code, e.g. car-t, msc)."),
        ("cell_source", "Slug of where the cells come from (see /cell-sources/)."),
        ("donor_relation", "autologous (the patient's own cells) or allogeneic."),
        ("tissue", "Tissue the cells are taken from (a code)."),
        ("cell_type", "The cells in the product, in words."),
        ("target", "Slug of the target antigen, if any."),
        ("gene_modification", "How the cells are genetically modified (a code)."),
        ("vector", "The vector or editing system, in words."),
        ("costimulatory_domain", "CAR co-stimulatory domain, if any."),
        ("mechanisms", "Mechanism slugs, the primary one first."),
        ("sponsor", "Slug of the company holding the licence."),
        ("family", "Slug of the product family, if any."),
        ("first_approval", "Date of the first authorisation anywhere, if any."),
        ("statuses", "agency: status (since), per agency, e.g. “fda: approved …”."),
        ("last_verified", "The day the product's facts were last checked."),
        ("fda_stn", "FDA submission tracking number (BLA)."),
        ("ema_product_number", "EMA product number."),
        ("unii", "FDA Unique Ingredient Identifier."),
        ("ncit_code", "NCI Thesaurus code."),
        ("atc_code", "WHO ATC code."),
        ("chembl_id", "ChEMBL identifier."),
        ("url", "The product's page on CellTx."),
    ),
)
INDICATIONS = Table(
    "indications",
    "Indications",
    "One row per indication: a disease, a population and a line of therapy.",
    (
        ("product", "Product slug."),
        ("key", "The indication's key, unique within its product."),
        ("disease", "Disease slug (see the diseases file)."),
        ("disease_name", "Disease name."),
        ("population", "Who the indication is for."),
        ("line_of_therapy", "When in treatment, in words."),
    ),
)
EVENTS = Table(
    "events",
    "Regulatory events",
    "One row per regulatory decision, each product's oldest first.",
    (
        ("product", "Product slug."),
        ("agency", "Regulator slug."),
        ("agency_name", "Regulator short name."),
        ("event_type", "Kind of decision (a code, e.g. approval, withdrawal)."),
        ("status", "The status the decision leads to (a code)."),
        ("date", "Decision date as precisely as known: YYYY-MM-DD, YYYY-MM or YYYY."),
        ("date_precision", "day, month or year."),
        ("indications", "Keys of the indications decided on (empty: the product)."),
        ("diseases", "Slugs of those indications' diseases."),
        ("pathway", "The regulator's own name for the procedure."),
        ("source_url", "Where the fact comes from."),
        ("unverified", "true when no primary source confirms it yet (see note)."),
        ("note", "Caveats about the fact or its source."),
    ),
)
DISEASES = Table(
    "diseases",
    "Diseases",
    "One row per disease in the vocabulary, treated or not.",
    (
        ("slug", "Stable identifier; the page is /diseases/<slug>/."),
        ("name", "Name, following MONDO."),
        ("therapeutic_area", "Therapeutic area (a code)."),
        ("parents", "Slugs of the broader diseases."),
        ("synonyms", "Other names and abbreviations."),
        ("mondo_id", "MONDO identifier."),
        ("mesh_id", "MeSH identifier."),
        ("icd10_code", "WHO ICD-10 code(s)."),
        ("url", "The disease's page on CellTx."),
    ),
)
TABLES = {table.name: table for table in (PRODUCTS, INDICATIONS, EVENTS, DISEASES)}
EXPORT_COLUMNS = [
    "slug",
    "brand_name",
    "inn",
    "modality",
    "donor",
    "tissue",
    "target",
    "sponsor",
    "diseases",
    "agency_statuses",
    "first_approval",
    "url",
]


# --- views -------------------------------------------------------------------------


def product_export(request):
    """The product list for the same query string, one product per row."""
    filterset = ProductFilter(
        non_empty(request.GET), queryset=Product.objects.for_detail()
    )
    problems = filterset.warnings + [
        f"{name}: {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    if problems:
        return HttpResponseBadRequest(
            "\n".join(problems), content_type="text/plain; charset=utf-8"
        )
    products = filterset.qs.order_by(*filterset.qs.query.order_by, "slug")
    rows = [_export_row(item) for item in _serialize(request, products)]
    return _csv_response("celltx-products-selection.csv", EXPORT_COLUMNS, rows)


def downloads(request):
    context = {
        "version": DatasetVersion.objects.first(),
        "tables": TABLES.values(),
        "version_columns": VERSION_COLUMNS,
    }
    return render(request, "catalog/downloads.html", context)


def products_json(request):
    version = DatasetVersion.objects.first()
    products = _serialize(request, Product.objects.for_detail().order_by("slug"))
    data = {"dataset": _dataset_metadata(request, version), "products": products}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return _as_download(response, _versioned("celltx-products.json", version))


def table_csv(request, table):
    if table not in TABLES:
        raise Http404(f"There is no file celltx-{table}.csv.")
    version = DatasetVersion.objects.first()
    stamp = {
        "dataset_version": version.digest if version else "",
        "generated_at": _now(),
    }
    rows = [{**row, **stamp} for row in ROWS[table](request)]
    filename = _versioned(TABLES[table].filename, version)
    return _csv_response(filename, TABLES[table].fieldnames, rows)


# --- rows -------------------------------------------------------------------------


def _product_rows(request):
    for product in _all_products(request):
        yield {
            **_pick(product, "slug", "brand_name", "inn", "fda_proper_name"),
            "code_names": _joined(product["code_names"]),
            "aliases": _joined(alias["name"] for alias in product["aliases"]),
            "modality": product["modality"],
            "cell_source": product["cell_source"]["slug"],
            "donor_relation": product["cell_source"]["donor_relation"],
            "tissue": product["cell_source"]["tissue"],
            "cell_type": product["cell_type"],
            "target": (product["target"] or {}).get("slug", ""),
            **_pick(product, "gene_modification", "vector", "costimulatory_domain"),
            "mechanisms": _joined(product["mechanisms"]),
            "sponsor": product["sponsor"]["slug"],
            "family": product["family"] or "",
            "first_approval": product["first_approval"] or "",
            "statuses": _joined(
                f"{s['agency_slug']}: {s['status']} ({s['since']})"
                for s in product["statuses"]
            ),
            "last_verified": product["last_verified"],
            **product["identifiers"],
            "url": product["url"],
        }


def _indication_rows(request):
    for product in _all_products(request):
        for indication in product["indications"]:
            yield {
                "product": product["slug"],
                "key": indication["key"],
                "disease": indication["disease"]["slug"],
                "disease_name": indication["disease"]["name"],
                "population": indication["population"],
                "line_of_therapy": indication["line_of_therapy"],
            }


def _event_rows(request):
    for product in _all_products(request):
        for event in product["regulatory_events"]:
            yield {
                "product": product["slug"],
                "agency": event["agency_slug"],
                "agency_name": event["agency"],
                **_pick(event, "event_type", "status", "date", "date_precision"),
                "indications": _joined(event["indications"]),
                "diseases": _joined(event["disease_slugs"]),
                **_pick(event, "pathway", "source_url"),
                "unverified": "true" if event["unverified"] else "false",
                "note": event["note"],
            }


def _disease_rows(request):
    diseases = DiseaseViewSet.queryset.order_by("slug")
    context = {"request": request}
    for disease in DiseaseSerializer(diseases, many=True, context=context).data:
        yield {
            **_pick(disease, "slug", "name", "therapeutic_area"),
            "parents": _joined(disease["parents"]),
            "synonyms": _joined(synonym["term"] for synonym in disease["synonyms"]),
            **_pick(disease, "mondo_id", "mesh_id", "icd10_code", "url"),
        }


ROWS = {
    "products": _product_rows,
    "indications": _indication_rows,
    "events": _event_rows,
    "diseases": _disease_rows,
}


def _export_row(product):
    """What the product list shows, in words rather than codes."""
    source = product["cell_source"]
    return {
        **_pick(product, "slug", "brand_name", "inn"),
        "modality": Modality(product["modality"]).label,
        "donor": DonorRelation(source["donor_relation"]).label,
        "tissue": Tissue(source["tissue"]).label,
        "target": (product["target"] or {}).get("name", ""),
        "sponsor": product["sponsor"]["name"],
        "diseases": _joined(
            dict.fromkeys(i["disease"]["name"] for i in product["indications"])
        ),
        "agency_statuses": _joined(
            f"{s['agency']}: {Status(s['status']).label} since {s['since']}"
            for s in product["statuses"]
        ),
        "first_approval": product["first_approval"] or "",
        "url": product["url"],
    }


# --- helpers ----------------------------------------------------------------------


def _serialize(request, products):
    return ProductSerializer(products, many=True, context={"request": request}).data


def _all_products(request):
    return _serialize(request, Product.objects.for_detail().order_by("slug"))


def _pick(data, *names):
    return {name: data[name] for name in names}


def _joined(values):
    return LIST_SEPARATOR.join(values)


def _dataset_metadata(request, version):
    return {
        "name": "CellTx",
        "version": version.digest if version else None,
        "loaded_at": version.seeded_at.isoformat() if version else None,
        "generated_at": _now(),
        "documentation": request.build_absolute_uri(reverse("catalog:downloads")),
    }


def _now():
    return timezone.now().replace(microsecond=0).isoformat()


def _versioned(filename, version):
    """`celltx-products.csv` → `celltx-products-<short digest>.csv`, when seeded."""
    if not version:
        return filename
    stem, extension = filename.rsplit(".", 1)
    return f"{stem}-{version.short_digest}.{extension}"


def _csv_response(filename, fieldnames, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    return _as_download(response, filename)


def _as_download(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
