"""Write validated evidence records (catalog.seed.evidence) to the database.

Evidence has no identity of its own: it is rebuilt wholesale, after the
products and their indications. Each product's sources are stored once each
(the same document read the same day is one source) and numbered in the
order the file first cites them.
"""

from __future__ import annotations

from catalog import models
from catalog.seed.fields import plain_fields

SOURCE_FIELDS = ("url", "kind", "title", "read_on")


def write_evidence(rows, products, agencies):
    for model in (
        models.EvidenceSource,
        models.ProductEvidence,
        models.PivotalTrial,
        models.LabelSafety,
        models.RiskProgramme,
        models.Administration,
    ):
        model.objects.all().delete()
    writer = _EvidenceWriter(products, agencies)
    for row in rows:
        writer.add(row)
    writer.save()


class _EvidenceWriter:
    def __init__(self, products, agencies):
        self.products = products
        self.agencies = agencies
        self.indication_ids = {
            (product_id, key): pk
            for pk, product_id, key in models.Indication.objects.values_list(
                "pk", "product_id", "key"
            )
        }
        self.files, self.sources = [], {}
        # (model, [(object, [source keys])]) in the order they must be saved.
        self.owners = {
            model: []
            for model in (
                models.PivotalTrial,
                models.TrialResult,
                models.LabelSafety,
                models.RiskProgramme,
                models.Administration,
            )
        }
        self.children = {models.LabelWarning: [], models.SevereRate: []}
        self.trial_indications = []

    def source_keys(self, product, sources):
        """Each source's key, adding it to the product's numbered list."""
        numbered = self.sources.setdefault(product.pk, {})
        keys = []
        for source in sources:
            key = (product.pk, *(source.get(name, "") for name in SOURCE_FIELDS))
            if key not in numbered:
                numbered[key] = models.EvidenceSource(
                    product=product,
                    position=len(numbered),
                    **{name: source.get(name, "") for name in SOURCE_FIELDS},
                )
            keys.append(key)
        return keys

    def own(self, model, obj, product, sources):
        self.owners[model].append((obj, self.source_keys(product, sources)))
        return obj

    def add(self, row):
        product = self.products[row["product"]]
        self.files.append(
            models.ProductEvidence(product=product, last_verified=row["last_verified"])
        )
        for position, trial in enumerate(row["trials"]):
            self.add_trial(product, position, trial)
        for position, entry in enumerate(row["safety"]):
            self.add_safety(product, position, entry)
        for position, programme in enumerate(row["risk_programmes"]):
            self.own(
                models.RiskProgramme,
                models.RiskProgramme(
                    product=product,
                    agency=self.agencies[programme["agency"]],
                    position=position,
                    **_fields(programme, models.RiskProgramme),
                ),
                product,
                programme["sources"],
            )
        administration = row["administration"]
        if administration:
            self.own(
                models.Administration,
                models.Administration(
                    product=product, **_fields(administration, models.Administration)
                ),
                product,
                administration["sources"],
            )

    def add_trial(self, product, position, trial):
        obj = self.own(
            models.PivotalTrial,
            models.PivotalTrial(
                product=product,
                position=position,
                **_fields(trial, models.PivotalTrial),
            ),
            product,
            trial["sources"],
        )
        self.trial_indications += [
            (obj, self.indication_ids[product.pk, key]) for key in trial["indications"]
        ]
        for index, result in enumerate(trial["results"]):
            reported_in = result["reported_in"]
            self.own(
                models.TrialResult,
                models.TrialResult(
                    trial=obj,
                    position=index,
                    reported_in=self.agencies[reported_in] if reported_in else None,
                    **_fields(result, models.TrialResult),
                ),
                product,
                result["sources"],
            )

    def add_safety(self, product, position, entry):
        obj = self.own(
            models.LabelSafety,
            models.LabelSafety(
                product=product,
                agency=self.agencies[entry["agency"]],
                position=position,
                document=entry["document"],
            ),
            product,
            entry["sources"],
        )
        for model, name in (
            (models.LabelWarning, "warnings"),
            (models.SevereRate, "severe_rates"),
        ):
            self.children[model] += [
                model(safety=obj, position=index, **_fields(item, model))
                for index, item in enumerate(entry[name])
            ]

    def save(self):
        models.ProductEvidence.objects.bulk_create(self.files)
        sources = {
            key: source
            for numbered in self.sources.values()
            for key, source in numbered.items()
        }
        models.EvidenceSource.objects.bulk_create(sources.values(), batch_size=500)
        # In this order, each bulk_create sets the ids the next one points at.
        for model, owners in self.owners.items():
            model.objects.bulk_create([obj for obj, _ in owners], batch_size=500)
            model.sources.through.objects.bulk_create(
                [
                    model.sources.through(
                        **{
                            f"{model._meta.model_name}_id": obj.pk,
                            "evidencesource_id": sources[key].pk,
                        }
                    )
                    for obj, keys in owners
                    for key in dict.fromkeys(keys)
                ],
                batch_size=500,
            )
        for model, objects in self.children.items():
            model.objects.bulk_create(objects, batch_size=500)
        models.PivotalTrial.indications.through.objects.bulk_create(
            [
                models.PivotalTrial.indications.through(
                    pivotaltrial_id=trial.pk, indication_id=indication_id
                )
                for trial, indication_id in dict.fromkeys(self.trial_indications)
            ],
            batch_size=500,
        )


def _fields(row, model):
    """The record's values for `model`'s plain columns that it carries."""
    return {
        name: row[name] for name in plain_fields(model, {"position"}) if name in row
    }
