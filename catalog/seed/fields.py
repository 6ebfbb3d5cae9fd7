"""Which fields a fixture record sets, read off the models so that a new
column is one edit in models.py rather than one per file."""


def plain_fields(model, exclude=()):
    """A model's own editable columns: no key, no relation, nothing derived."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not field.is_relation
        and field.editable
        and field.name not in exclude
    ]
