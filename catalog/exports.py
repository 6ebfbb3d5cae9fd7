"""Downloads: any product list as CSV, and the whole dataset as JSON and CSV.

The CSV rows are built from the same domain querysets the pages read (the
status table above all), so a status or a date reads the same in the pages,
the API and the files. The dataset files carry the dataset version
(`DatasetVersion.digest`) and the time they were generated, in the JSON's
`dataset` object and in the last two columns of every CSV row, so a saved file
still says what it is.

The data is CC BY 4.0 (catalog.licence). The JSON says so in its `licence`
and `citation` fields. A CSV cannot without breaking its header row for
spreadsheet and pandas readers, so each CSV response names the licence in a
`Link: <…>; rel="license"` header, and datapackage.json (a Frictionless Data
Package) describes the set: licence, citation, version and every column.
"""

import csv
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from catalog import evidence_export
from catalog.choices import AliasKind, IdentifierScheme
from catalog.evidence_serializers import ProductDetailSerializer
from catalog.filters import ProductFilter, non_empty
from catalog.licence import LEGAL_CODE, LICENCE, TITLE, citation, link_header
from catalog.models import (
    DatasetVersion,
    Disease,
    Indication,
    IndicationStatus,
    Product,
    ProductMechanism,
    prefetch_evidence,
)
from catalog.serializers import AuthorisationSerializer
from catalog.spreadsheet import neutralised_row

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
        (
            "statuses",
            "Per regulator, the best status of any indication and since when, "
            "e.g. “fda: approved (2017-08-30)”; see the authorisations file.",
        ),
        ("last_verified", "The day the product's facts were last checked."),
        *((scheme.value, f"{scheme.label}.") for scheme in IdentifierScheme),
        ("url", "The product's page on CellTx."),
    ),
)
INDICATIONS = Table(
    "indications",
    "Indications",
    "One row per indication: one clinical use, the same at every regulator.",
    (
        ("product", "Product slug."),
        ("key", "The indication's key, unique within its product."),
        ("diseases", "Slugs of the diseases it covers (see the diseases file)."),
        ("disease_names", "Names of those diseases."),
        ("population", "Who the indication is for."),
        ("line_of_therapy", "When in treatment, in words."),
        ("restrictions", "Key restrictions, in words."),
    ),
)
AUTHORISATIONS = Table(
    "authorisations",
    "Authorisations",
    "One row per product, indication and regulator with a decision: the "
    "status derived from the decisions, as every page shows it.",
    (
        ("product", "Product slug."),
        ("product_name", "Brand name."),
        ("indication", "The indication's key."),
        ("indication_wording", "The indication in our words."),
        ("diseases", "Slugs of the diseases the indication covers."),
        ("agency", "Regulator slug."),
        ("country", "Country code of the regulator (eu for the European Union)."),
        ("regulator_wording", "The regulator's own wording, in our words."),
        ("status", "Current status (a code, e.g. approved, conditional)."),
        ("status_since", "Date of the decision that gave the current status."),
        ("status_since_precision", "day, month or year."),
        ("first_authorised", "Date the indication was first authorised there."),
        ("under_review", "true when a filing on it is under review."),
        ("restricted", "true when the regulator has narrowed it."),
        ("source_url", "Best source of the decision behind the status."),
        ("last_verified", "The day the product's facts were last checked."),
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
        ("date", "Decision date as precisely as known: YYYY-MM-DD, YYYY-MM or YYYY."),
        ("date_precision", "day, month or year."),
        ("indications", "Keys of the indications decided on (empty: the licence)."),
        ("diseases", "Slugs of those indications' diseases."),
        ("pathway", "The regulator's own name for the procedure."),
        ("source_url", "The best source, the regulator's own record first."),
        ("source_kind", "What kind of record that source is (a code)."),
        ("other_sources", "Further sources, separated by “; ”."),
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
EVIDENCE = Table(
    "evidence",
    evidence_export.TITLE,
    evidence_export.DESCRIPTION,
    evidence_export.COLUMNS,
)
TABLES = {
    table.name: table
    for table in (PRODUCTS, INDICATIONS, AUTHORISATIONS, EVENTS, DISEASES, EVIDENCE)
}
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
    filterset = ProductFilter(non_empty(request.GET), queryset=Product.objects.all())
    problems = [problem.message for problem in filterset.problems] + [
        f"{name}: {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    if problems:
        return HttpResponseBadRequest(
            "\n".join(problems), content_type="text/plain; charset=utf-8"
        )
    products = filterset.qs.order_by(*filterset.qs.query.order_by, "slug")
    products = products.for_listing(by_indication=True)
    rows = [_export_row(request, product) for product in products]
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
    context = {"request": request}
    # As the API returns one product: with its evidence.
    products = prefetch_evidence(list(Product.objects.for_detail().order_by("slug")))
    authorisations = IndicationStatus.objects.for_table().order_by(
        "product__slug", "indication__position", "agency__slug"
    )
    data = {
        "dataset": _dataset_metadata(request, version),
        "licence": {**LICENCE, "legal_code": LEGAL_CODE},
        "citation": citation(version, _downloads_url(request)),
        "products": ProductDetailSerializer(products, many=True, context=context).data,
        "authorisations": AuthorisationSerializer(
            authorisations, many=True, context=context
        ).data,
    }
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


def datapackage(request):
    """The download set as a Frictionless Data Package: what each file holds,
    its columns, the version, the licence and how to cite it."""
    version = DatasetVersion.objects.first()
    resources = [
        {
            "name": "celltx-products-json",
            "path": _absolute(request, "catalog:download-products-json"),
            "format": "json",
            "mediatype": "application/json",
        },
        *(_table_resource(request, table) for table in TABLES.values()),
    ]
    data = {
        "name": "celltx",
        "title": TITLE,
        "version": version.digest if version else None,
        "created": version.seeded_at.isoformat() if version else None,
        "homepage": _downloads_url(request),
        "licenses": [LICENCE],
        "citation": citation(version, _downloads_url(request)),
        "resources": resources,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return _as_download(response, "datapackage.json")


def _table_resource(request, table):
    return {
        "name": f"celltx-{table.name}",
        "title": table.title,
        "description": table.description,
        "path": _absolute(request, "catalog:download-csv", table.name),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": name, "type": "string", "description": meaning}
                for name, meaning in table.columns + VERSION_COLUMNS
            ]
        },
    }


# --- rows -------------------------------------------------------------------------


def _product_rows(request):
    products = (
        Product.objects.for_listing()
        .select_related("family")
        .prefetch_related(
            "aliases",
            "identifiers",
            Prefetch(
                "product_mechanisms",
                queryset=ProductMechanism.objects.select_related("mechanism"),
            ),
        )
    )
    for product in products.order_by("slug"):
        aliases = product.aliases.all()
        mechanisms = sorted(
            product.product_mechanisms.all(),
            key=lambda link: (not link.is_primary, link.position),
        )
        yield {
            "slug": product.slug,
            "brand_name": product.brand_name,
            "inn": product.nonproprietary_name,
            "fda_proper_name": product.fda_proper_name,
            "code_names": _joined(a.name for a in aliases if a.kind == AliasKind.CODE),
            "aliases": _joined(alias.name for alias in aliases),
            "modality": product.modality,
            "cell_source": product.cell_source.slug,
            "donor_relation": product.cell_source.donor_relation,
            "tissue": product.cell_source.tissue,
            "cell_type": product.cell_type,
            "target": product.target.slug if product.target else "",
            "gene_modification": product.gene_modification,
            "vector": product.vector,
            "costimulatory_domain": product.costimulatory_domain,
            "mechanisms": _joined(link.mechanism.slug for link in mechanisms),
            "sponsor": product.sponsor.slug,
            "family": product.family.slug if product.family else "",
            "first_approval": _iso(product.first_authorised_on),
            "statuses": _joined(
                f"{s.agency.slug}: {s.state.value} ({s.iso_since})"
                for s in product.agency_summaries
            ),
            "last_verified": product.last_verified.isoformat(),
            **{
                scheme.value: _joined(product.identifier_values(scheme))
                for scheme in IdentifierScheme
            },
            "url": request.build_absolute_uri(product.get_absolute_url()),
        }


def _indication_rows(request):
    indications = Prefetch("indications", queryset=Indication.objects.with_diseases())
    for product in Product.objects.prefetch_related(indications).order_by("slug"):
        for indication in product.indications.all():
            diseases = indication.diseases.all()
            yield {
                "product": product.slug,
                "key": indication.key,
                "diseases": _joined(disease.slug for disease in diseases),
                "disease_names": _joined(disease.name for disease in diseases),
                "population": indication.population,
                "line_of_therapy": indication.line_of_therapy,
                "restrictions": indication.restrictions,
            }


def _authorisation_rows(request):
    rows = IndicationStatus.objects.for_table().order_by(
        "product__slug", "indication__position", "agency__slug"
    )
    for row in rows:
        yield {
            "product": row.product.slug,
            "product_name": row.product.brand_name,
            "indication": row.indication.key,
            "indication_wording": row.indication.wording,
            "diseases": _joined(d.slug for d in row.indication.diseases.all()),
            "agency": row.agency.slug,
            "country": row.agency.country,
            "regulator_wording": row.wording,
            "status": row.status,
            "status_since": row.iso_since,
            "status_since_precision": row.since_precision,
            "first_authorised": row.iso_first_authorised or "",
            "under_review": _bool(row.under_review_since),
            "restricted": _bool(row.restricted_on),
            "source_url": row.source_url,
            "last_verified": row.product.last_verified.isoformat(),
        }


def _event_rows(request):
    for product in Product.objects.with_events().order_by("slug"):
        for event in product.events.all():
            indications = event.covered_indications
            sources = event.sources.all()
            yield {
                "product": product.slug,
                "agency": event.agency.slug,
                "agency_name": event.agency.short_name,
                "event_type": event.event_type,
                "date": event.iso_date,
                "date_precision": event.date_precision,
                "indications": _joined(i.key for i in indications),
                "diseases": _joined(
                    dict.fromkeys(d.slug for i in indications for d in i.diseases.all())
                ),
                "pathway": event.pathway,
                "source_url": sources[0].url,
                "source_kind": sources[0].kind,
                "other_sources": _joined(source.url for source in sources[1:]),
                "unverified": _bool(event.unverified),
                "note": event.note,
            }


def _disease_rows(request):
    diseases = Disease.objects.order_by("slug").with_synonyms()
    for disease in diseases.prefetch_related("parents"):
        yield {
            "slug": disease.slug,
            "name": disease.name,
            "therapeutic_area": disease.therapeutic_area,
            "parents": _joined(sorted(parent.slug for parent in disease.parents.all())),
            "synonyms": _joined(synonym.term for synonym in disease.synonyms.all()),
            "mondo_id": disease.mondo_id,
            "mesh_id": disease.mesh_id,
            "icd10_code": disease.icd10_code,
            "url": request.build_absolute_uri(disease.get_absolute_url()),
        }


ROWS = {
    "products": _product_rows,
    "indications": _indication_rows,
    "authorisations": _authorisation_rows,
    "events": _event_rows,
    "diseases": _disease_rows,
    "evidence": evidence_export.rows,
}


def _export_row(request, product):
    """What the product list shows, in words rather than codes."""
    source = product.cell_source
    return {
        "slug": product.slug,
        "brand_name": product.brand_name,
        "inn": product.nonproprietary_name,
        "modality": product.get_modality_display(),
        "donor": source.get_donor_relation_display(),
        "tissue": source.get_tissue_display(),
        "target": product.target.name if product.target else "",
        "sponsor": product.sponsor.name,
        "diseases": _joined(
            dict.fromkeys(
                row.indication.disease_names for row in product.listed_statuses
            )
        ),
        "agency_statuses": _joined(
            f"{s.agency.short_name}: {s.deciding.label} since {s.iso_since}"
            for s in product.agency_summaries
        ),
        "first_approval": _iso(product.first_authorised_on),
        "url": request.build_absolute_uri(product.get_absolute_url()),
    }


# --- helpers ----------------------------------------------------------------------


def _iso(date):
    return date.isoformat() if date else ""


def _bool(value):
    return "true" if value else "false"


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


def _absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


def _downloads_url(request):
    return _absolute(request, "catalog:downloads")


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
    writer.writerows(neutralised_row(row) for row in rows)
    # A relative reference is allowed in Link (RFC 8288, section 3.1).
    response["Link"] = link_header(reverse("catalog:download-datapackage"))
    return _as_download(response, filename)


def _as_download(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    return response
