from django.urls import include, path, re_path
from rest_framework import routers

from catalog.api import views

app_name = "api"


class APIRootView(views.OpenDataMixin, routers.APIRootView):
    """Links to every endpoint of the CellTx API."""


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
    include_format_suffixes = False


router = Router()
router.register("products", views.ProductViewSet, basename="product")
router.register("diseases", views.DiseaseViewSet, basename="disease")
router.register("mechanisms", views.MechanismViewSet, basename="mechanism")
router.register("cell-sources", views.CellSourceViewSet, basename="cell-source")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("sponsors", views.SponsorViewSet, basename="sponsor")
router.register("authorisations", views.AuthorisationViewSet, basename="authorisation")
router.register(
    "regulatory-events", views.RegulatoryEventViewSet, basename="regulatory-event"
)

urlpatterns = [
    # /api/: the guide for people; /api/v1/: the API itself.
    path("", views.api_docs, name="docs"),
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    # Only paths ending in a slash, so that CommonMiddleware still redirects
    # "/api/v1/products" to "/api/v1/products/". [\s\S] matches "\n" too.
    re_path(r"^v1/[\s\S]*/$", views.NotFoundView.as_view()),
]
