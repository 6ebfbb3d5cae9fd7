"""Write a validated Dataset to the database in one transaction.

Rows are updated in place by slug so that primary keys stay stable; rows that
left the fixtures are deleted. After the records, the derived tables are
rebuilt: the disease lineage, each indication's status at each regulator (by
the rules in catalog.status) and the search index.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from catalog import models
from catalog.search.vocabulary import rebuild_index
from catalog.seed.derive import refresh_statuses
from catalog.seed.evidence_writer import write_evidence
from catalog.seed.fields import plain_fields
from catalog.seed.reader import Dataset


def _fields(row, *names):
    return {name: row.get(name, "") for name in names}


class _Writer:
    """Writes a validated Dataset; slugs find the rows to update in place.

    Rows that left the fixtures are deleted last, products first, so that
    nothing still refers to a vocabulary entry when it goes.
    """

    def __init__(self, dataset):
        self.dataset = dataset
        self.stale = []

    def upsert(self, model, rows, key="slug", **getters):
        """Create or update one row per fixture record, in bulk, by `key`."""
        existing = model.objects.in_bulk(field_name=key)
        new, changed = [], []
        for row in rows:
            values = {name: getter(row) for name, getter in getters.items()}
            obj = existing.get(row[key])
            if obj is None:
                new.append(model(**{key: row[key]}, **values))
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                changed.append(obj)
        model.objects.bulk_create(new)
        if changed and getters:
            model.objects.bulk_update(changed, list(getters), batch_size=500)
        kept = [row[key] for row in rows]
        self.stale.append(model.objects.exclude(**{f"{key}__in": kept}))
        return model.objects.filter(**{f"{key}__in": kept}).in_bulk(field_name=key)

    @staticmethod
    def replace_links(through, pairs):
        """Replace every row of a many-to-many table with `pairs` in one go."""
        through.objects.all().delete()
        names = [f.attname for f in through._meta.concrete_fields if not f.primary_key]
        through.objects.bulk_create(
            through(**dict(zip(names, pair, strict=True))) for pair in pairs
        )

    def write(self):
        data = self.dataset
        references = self.write_references()
        self.write_glossary_and_guides(references)
        lookups = {
            "agency": self.upsert(
                models.Agency, data["agency"], **_getters_for(models.Agency)
            ),
            "company": self.write_companies(),
            "cell source": self.upsert(
                models.CellSource,
                data["cell source"],
                **_getters_for(models.CellSource),
            ),
            "target": self.upsert(
                models.Target, data["target"], **_getters_for(models.Target)
            ),
            "family": self.upsert(
                models.ProductFamily,
                data["family"],
                **_getters_for(models.ProductFamily),
            ),
            "mechanism": self.write_mechanisms(references),
            "disease": self.write_diseases(),
        }
        products = self.write_products(lookups)
        write_evidence(data["evidence"], products, lookups["agency"])
        self.write_sweeps(lookups["agency"])
        for stale in reversed(self.stale):
            stale.delete()

    def write_companies(self):
        rows = self.dataset["company"]
        companies = self.upsert(models.Company, rows, **_getters_for(models.Company))
        for row in rows:
            companies[row["slug"]].parent = companies.get(row["parent"])
        models.Company.objects.bulk_update(companies.values(), ["parent"])
        return companies

    def write_references(self):
        """Every cited reference, by URL; returns them keyed by URL."""
        rows = [
            ref
            for kind in ("mechanism", "glossary term", "guide")
            for row in self.dataset[kind]
            for ref in row["references"]
        ]
        unique = {ref["url"]: ref for ref in rows}.values()
        return self.upsert(
            models.Reference, unique, key="url", **_getters_for(models.Reference, "url")
        )

    def write_mechanisms(self, references):
        rows = self.dataset["mechanism"]
        mechanisms = self.upsert(
            models.Mechanism, rows, **_getters_for(models.Mechanism)
        )
        models.MechanismReference.objects.all().delete()
        models.MechanismReference.objects.bulk_create(
            models.MechanismReference(
                mechanism=mechanisms[row["slug"]],
                reference=references[ref["url"]],
                position=position,
            )
            for row in rows
            for position, ref in enumerate(row["references"])
        )
        return mechanisms

    def write_glossary_and_guides(self, references):
        terms = self.upsert(
            models.GlossaryTerm,
            self.dataset["glossary term"],
            **_getters_for(models.GlossaryTerm),
        )
        rows = self.dataset["glossary term"]
        self.replace_links(
            models.GlossaryTerm.see_also.through,
            [(terms[r["slug"]].pk, terms[s].pk) for r in rows for s in r["see_also"]],
        )
        self.replace_links(
            models.GlossaryTerm.references.through,
            [
                (terms[r["slug"]].pk, references[ref["url"]].pk)
                for r in rows
                for ref in r["references"]
            ],
        )
        guides = self.upsert(
            models.Guide, self.dataset["guide"], **_getters_for(models.Guide)
        )
        self.replace_links(
            models.Guide.references.through,
            [
                (guides[r["slug"]].pk, references[ref["url"]].pk)
                for r in self.dataset["guide"]
                for ref in r["references"]
            ],
        )

    def write_diseases(self):
        rows = self.dataset["disease"]
        diseases = self.upsert(
            models.Disease,
            rows,
            **_getters_for(models.Disease),
        )
        models.DiseaseSynonym.objects.all().delete()
        models.DiseaseSynonym.objects.bulk_create(
            models.DiseaseSynonym(
                disease=diseases[row["slug"]],
                **_fields(synonym, *plain_fields(models.DiseaseSynonym)),
            )
            for row in rows
            for synonym in row["synonyms"]
        )
        self.replace_links(
            models.Disease.parents.through,
            [
                (diseases[row["slug"]].pk, diseases[slug].pk)
                for row in rows
                for slug in row["parents"]
            ],
        )
        models.DiseaseLineage.rebuild()
        return diseases

    def write_products(self, lookups):
        rows = self.dataset["product"]
        products = self.upsert(
            models.Product,
            rows,
            **_getters_for(models.Product),
            sponsor=lambda row: lookups["company"][row["sponsor"]],
            cell_source=lambda row: lookups["cell source"][row["cell_source"]],
            target=lambda row: lookups["target"].get(row["target"]),
            family=lambda row: lookups["family"].get(row["family"]),
        )
        # Children have no identity of their own: rebuild them wholesale.
        for model in (
            models.RegulatoryEvent,
            models.Indication,
            models.ProductAlias,
            models.ProductIdentifier,
            models.ProductMechanism,
            models.HolderChange,
        ):
            model.objects.all().delete()
        children = {
            model: []
            for model in (
                models.ProductAlias,
                models.ProductIdentifier,
                models.ProductMechanism,
                models.Indication,
                models.RegulatoryEvent,
                models.HolderChange,
            )
        }
        for row in rows:
            product = products[row["slug"]]
            for model, objects in self.product_children(row, product, lookups):
                children[model] += objects
        for model, objects in children.items():
            model.objects.bulk_create(objects, batch_size=500)
        self.write_links(rows, products, lookups)
        return products

    def write_sweeps(self, agencies):
        """Sweep records have no identity of their own: rebuilt wholesale."""
        models.CoverageSweep.objects.all().delete()
        rows = self.dataset["sweep"]
        sweeps = models.CoverageSweep.objects.bulk_create(
            models.CoverageSweep(
                agency=agencies[row["agency"]], **_fields(row, *SWEEP_FIELDS)
            )
            for row in rows
        )
        models.SweptList.objects.bulk_create(
            models.SweptList(
                sweep=sweep, position=position, **_fields(item, *LIST_FIELDS)
            )
            for sweep, row in zip(sweeps, rows, strict=True)
            for position, item in enumerate(row["lists"])
        )

    @staticmethod
    def product_children(row, product, lookups):
        yield (
            models.ProductAlias,
            [
                models.ProductAlias(product=product, **_fields(alias, *ALIAS_FIELDS))
                for alias in row["aliases"]
            ],
        )
        yield (
            models.ProductIdentifier,
            [
                models.ProductIdentifier(
                    product=product,
                    position=position,
                    **_fields(identifier, *IDENTIFIER_FIELDS),
                )
                for position, identifier in enumerate(row["identifiers"])
            ],
        )
        yield (
            models.ProductMechanism,
            [
                models.ProductMechanism(
                    product=product,
                    mechanism=lookups["mechanism"][slug],
                    is_primary=position == 0,
                    position=position,
                )
                for position, slug in enumerate(row["mechanisms"])
            ],
        )
        yield (
            models.Indication,
            [
                models.Indication(
                    product=product,
                    position=position,
                    **_fields(indication, *INDICATION_FIELDS),
                )
                for position, indication in enumerate(row["indications"])
            ],
        )
        yield (
            models.RegulatoryEvent,
            [
                models.RegulatoryEvent(
                    product=product,
                    agency=lookups["agency"][decision["agency"]],
                    position=position,
                    **_fields(decision, *DECISION_FIELDS),
                )
                for position, decision in enumerate(row["decisions"])
            ],
        )
        yield (
            models.HolderChange,
            [
                models.HolderChange(
                    product=product,
                    position=position,
                    from_company=lookups["company"][change["from"]],
                    to_company=lookups["company"][change["to"]],
                    **_fields(change, *HOLDER_CHANGE_FIELDS),
                )
                for position, change in enumerate(row["holder_changes"])
            ],
        )

    def write_links(self, rows, products, lookups):
        """Indications' diseases, decisions' indications and sources.

        bulk_create set the primary keys, but look them up by natural key so
        the links never depend on the order rows came back in.
        """
        indication_ids = {
            (product_id, key): pk
            for pk, product_id, key in models.Indication.objects.values_list(
                "pk", "product_id", "key"
            )
        }
        event_ids = {
            (product_id, position): pk
            for pk, product_id, position in models.RegulatoryEvent.objects.values_list(
                "pk", "product_id", "position"
            )
        }
        diseases, decision_links, sources = [], [], []
        for row in rows:
            product_id = products[row["slug"]].pk
            for indication in row["indications"]:
                indication_id = indication_ids[product_id, indication["key"]]
                diseases += [
                    models.IndicationDisease(
                        indication_id=indication_id,
                        product_id=product_id,
                        disease=lookups["disease"][slug],
                        position=position,
                    )
                    for position, slug in enumerate(indication["diseases"])
                ]
            for position, decision in enumerate(row["decisions"]):
                event_id = event_ids[product_id, position]
                decision_links += [
                    models.DecisionIndication(
                        event_id=event_id,
                        indication_id=indication_ids[product_id, key],
                        wording=wording,
                    )
                    for key, wording in decision["indications"].items()
                ]
                sources += [
                    models.DecisionSource(
                        event_id=event_id,
                        position=index,
                        **_fields(source, *SOURCE_FIELDS),
                    )
                    for index, source in enumerate(decision["sources"])
                ]
        for model, objects in (
            (models.IndicationDisease, diseases),
            (models.DecisionIndication, decision_links),
            (models.DecisionSource, sources),
        ):
            model.objects.bulk_create(objects, batch_size=500)


def _getters_for(model, *exclude):
    """A getter per plain column of `model`, reading the fixture record."""
    names = plain_fields(model, exclude={"slug", *exclude})
    return {name: (lambda row, name=name: row.get(name, "")) for name in names}


ALIAS_FIELDS = plain_fields(models.ProductAlias)
IDENTIFIER_FIELDS = plain_fields(models.ProductIdentifier, exclude={"position"})
SWEEP_FIELDS = plain_fields(models.CoverageSweep)
LIST_FIELDS = plain_fields(models.SweptList, exclude={"position"})
INDICATION_FIELDS = plain_fields(models.Indication, exclude={"position"})
DECISION_FIELDS = plain_fields(models.RegulatoryEvent, exclude={"position"})
HOLDER_CHANGE_FIELDS = plain_fields(models.HolderChange, exclude={"position"})
SOURCE_FIELDS = plain_fields(models.DecisionSource, exclude={"position"})


def write_dataset(dataset: Dataset) -> models.DatasetVersion:
    """Replace the catalog with `dataset` in one transaction; return its version."""
    _lift_web_timeouts()
    with transaction.atomic():
        _Writer(dataset).write()
        refresh_statuses()
        rebuild_index()
        version = _make_live(dataset)
    _refresh_planner_statistics()
    return version


def _lift_web_timeouts():
    """The statement and lock timeouts in settings keep pages fast to fail;
    loading the whole catalog is allowed to take longer (this session only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0; SET lock_timeout = 0")


def _make_live(dataset):
    """Record `dataset` as the live version.

    Loading an earlier dataset again makes its version live again: the site
    must never label one dataset's data with another's version.
    """
    version, created = models.DatasetVersion.objects.get_or_create(
        digest=dataset.digest,
        defaults={
            "seeded_at": timezone.now(),
            "product_count": len(dataset["product"]),
            "event_count": sum(len(p["decisions"]) for p in dataset["product"]),
        },
    )
    live = models.DatasetVersion.objects.live()
    if not created and live.pk != version.pk:
        version.seeded_at = timezone.now()
        version.save(update_fields=["seeded_at"])
    models.DatasetVersion.publish_live(version)
    return version


def _refresh_planner_statistics():
    """A freshly loaded table has no statistics, and PostgreSQL then plans
    searches as if it were empty (sequential scans, hash joins); ANALYZE now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
