"""schema.org JSON-LD for disease pages and the downloads page.

Product pages have theirs in product_page.py; all three print through
the same escaping, so no value can close the data block early.
"""

import json
import re

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog.licence import LICENCE, TITLE
from catalog.templatetags.product_page import _JSON_ESCAPES

register = template.Library()

# Disease fields holding codes, with the coding system schema.org expects.
_CODE_SYSTEMS = (("icd10_code", "ICD-10"), ("mesh_id", "MeSH"), ("mondo_id", "MONDO"))


def _json_ld(data):
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def _medical_codes(disease):
    """One MedicalCode per code: an ICD-10 field may list several ("C91, C92")."""
    codes = []
    for field, system in _CODE_SYSTEMS:
        for value in re.split(r"[,;]\s*", getattr(disease, field)):
            if value.strip():
                codes.append(
                    {
                        "@type": "MedicalCode",
                        "codeValue": value.strip(),
                        "codingSystem": system,
                    }
                )
    return codes


@register.simple_tag(takes_context=True)
def disease_json_ld(context, disease):
    """schema.org MedicalCondition; synonyms must be prefetched by the view."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalCondition",
        "name": disease.name,
        "alternateName": [synonym.term for synonym in disease.synonyms.all()],
        "url": context["request"].build_absolute_uri(disease.get_absolute_url()),
    }
    if disease.description:
        data["description"] = disease.description
    if codes := _medical_codes(disease):
        data["code"] = codes
    return _json_ld(data)


@register.simple_tag(takes_context=True)
def dataset_json_ld(context, version, tables):
    """schema.org Dataset for the downloads page: every file, the licence and,
    once a dataset is loaded, the day its live version was loaded."""
    request = context["request"]

    def download(name, encoding, *args):
        url = request.build_absolute_uri(reverse(name, args=args))
        return {"@type": "DataDownload", "contentUrl": url, "encodingFormat": encoding}

    distribution = [
        download("catalog:download-products-json", "application/json"),
        *(download("catalog:download-csv", "text/csv", t.name) for t in tables),
        download("catalog:download-datapackage", "application/json"),
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": TITLE,
        "description": (
            "Authorised cell therapy products, their indications and every "
            "dated regulatory decision with its source, and the disease "
            "vocabulary, as JSON and CSV files."
        ),
        "url": request.build_absolute_uri(reverse("catalog:downloads")),
        "license": LICENCE["path"],
        "isAccessibleForFree": True,
        "distribution": distribution,
    }
    if version is not None:
        data["version"] = version.digest
        data["dateModified"] = version.seeded_at.isoformat()
    return _json_ld(data)
