from django.utils.functional import SimpleLazyObject

from catalog.models import DatasetVersion


def dataset_version(request):
    """The live dataset version, for the footer (queried only if shown).

    The page cache has already read it when it is on (request.dataset_version).
    """
    known = getattr(request, "dataset_version", None)
    return {"dataset_version": known or SimpleLazyObject(DatasetVersion.objects.live)}
