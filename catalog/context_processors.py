from django.utils.functional import SimpleLazyObject

from catalog.models import DatasetVersion


def dataset_version(request):
    """The live dataset version, for the footer (queried only if shown)."""
    return {"dataset_version": SimpleLazyObject(DatasetVersion.objects.first)}
