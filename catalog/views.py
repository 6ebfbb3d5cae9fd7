from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from catalog.audit import run_audit
from catalog.audit_evidence import evidence_coverage
from catalog.charts import (
    agency_approvals_by_year,
    approvals_by_year_and_agency,
    approvals_by_year_and_modality,
    product_timeline,
)
from catalog.choices import Modality, Status
from catalog.compare import CompareSelection, ProductNames, suggested_comparisons
from catalog.filters import SORTS, ProductFilter
from catalog.models import (
    Agency,
    CellSource,
    Company,
    Disease,
    GlossaryTerm,
    Guide,
    IndicationStatus,
    Mechanism,
    Product,
    Reference,
    RegulatoryEvent,
    Target,
    coverage_by_agency,
    prefetch_evidence,
)
from catalog.search import search as search_catalog, suggestions
from catalog.stats import DatasetStats

PRODUCTS_PER_PAGE = 20
# Search results per page, best first.
SEARCH_RESULTS_SHOWN = 24
RECENT_DECISIONS = 6


def home(request):
    products = Product.objects.all()
    modality_counts = dict(
        products.values_list("modality").annotate(count=Count("pk")).order_by()
    )
    context = {
        "product_count": products.count(),
        "authorised_count": products.authorised().count(),
        "agency_count": Agency.objects.filter(events__isnull=False).distinct().count(),
        "disease_count": Disease.objects.filter(indications__isnull=False)
        .distinct()
        .count(),
        "modalities": [
            (modality, modality_counts[modality.value])
            for modality in Modality
            if modality.value in modality_counts
        ],
        "recent_events": RegulatoryEvent.objects.authorising().latest_first()[
            :RECENT_DECISIONS
        ],
        "mechanisms": Mechanism.objects.with_product_counts().filter(
            product_count__gt=0
        ),
        "modality_chart": approvals_by_year_and_modality(),
        "agency_chart": approvals_by_year_and_agency(),
    }
    return render(request, "catalog/home.html", context)


def search(request):
    """Every match, best first, a page at a time, with what was understood."""
    exact_only = request.GET.get("exact") == "1"
    number = _page_number(request.GET.get("page"))
    offset = (number - 1) * SEARCH_RESULTS_SHOWN
    result = search_catalog(
        request.GET.get("q"),
        exact_only=exact_only,
        limit=SEARCH_RESULTS_SHOWN,
        offset=offset,
    )
    pages = Paginator(result.ids, SEARCH_RESULTS_SHOWN)
    if result.ids and number > pages.num_pages:
        raise Http404("No such page of results")
    context = {"result": result, "page_obj": pages.get_page(number)}
    return render(request, "catalog/search.html", context)


def _page_number(value) -> int:
    """A page number from the query string; anything else is page 1."""
    if value and value.isdigit() and len(value) < 6:
        return max(int(value), 1)
    return 1


def search_suggestions(request):
    """A few names matching what has been typed, for the search box."""
    found = suggestions(request.GET.get("q", ""))
    data = [
        {"label": s.label, "name": s.name, "kind": s.kind, "url": s.url} for s in found
    ]
    return JsonResponse({"suggestions": data})


class ProductListView(FilterView):
    """The faceted catalog: every state lives in the query string."""

    filterset_class = ProductFilter
    queryset = Product.objects.all()
    paginate_by = PRODUCTS_PER_PAGE
    template_name = "catalog/product_list.html"

    def paginate_queryset(self, queryset, page_size):
        """Cards show the status rows the filters selected, by indication, so
        that a disease and a regulator read as one indication's decision."""
        rows = None
        if self.filterset.has_row_filters():
            rows = self.filterset.matching_rows()
        listing = queryset.for_listing(rows, by_indication=rows is not None)
        return super().paginate_queryset(listing, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = self.filterset.facets()
        context.update(
            by_indication=self.filterset.has_row_filters(),
            facets=facets,
            chips=self.filterset.chips(facets),
            query=self.filterset.query,
            sorts=[(key, label) for key, (label, _) in SORTS.items()],
            current_sort=self.filterset.current_sort,
            search=self._search(),
        )
        return context

    def _search(self):
        query = self.filterset.form.cleaned_data.get("q")
        return self.filterset.search_result(query) if query else None


class ProductDetailView(DetailView):
    queryset = Product.objects.for_detail()

    def get_object(self, queryset=None):
        return prefetch_evidence([super().get_object(queryset)])[0]

    def get_context_data(self, **kwargs):
        timeline = product_timeline(self.object)
        return super().get_context_data(timeline_chart=timeline, **kwargs)


class MechanismListView(ListView):
    queryset = Mechanism.objects.with_product_counts()


class MechanismDetailView(DetailView):
    queryset = Mechanism.objects.prefetch_related(
        Prefetch(
            "references",
            queryset=Reference.objects.order_by("mechanismreference__position"),
        )
    )

    def get_context_data(self, **kwargs):
        products = self.object.products.for_listing()
        diagram = _diagram_template(self.object.slug)
        return super().get_context_data(products=products, diagram=diagram, **kwargs)


def _diagram_template(slug):
    """The mechanism's hand-drawn SVG, if one has been drawn for it."""
    name = f"catalog/diagrams/{slug}.svg"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def disease_list(request):
    context = {"areas": Disease.objects.as_tree()}
    return render(request, "catalog/disease_list.html", context)


def disease_detail(request, slug):
    disease = get_object_or_404(
        Disease.objects.with_synonyms().prefetch_related("parents", "children"),
        slug=slug,
    )
    rows = IndicationStatus.objects.matching(diseases=[disease])
    products = Product.objects.matching(diseases=[disease])
    products = list(products.for_listing(rows, by_indication=True))
    authorised = rows.matching(statuses=["authorised"]).values("product").distinct()
    context = {
        "disease": disease,
        "products": products,
        "authorised_count": authorised.count(),
    }
    return render(request, "catalog/disease_detail.html", context)


class CellSourceListView(ListView):
    queryset = CellSource.objects.annotate(product_count=Count("products"))


class CellSourceDetailView(DetailView):
    queryset = CellSource.objects.all()

    def get_context_data(self, **kwargs):
        products = self.object.products.for_listing()
        return super().get_context_data(products=products, **kwargs)


class AgencyListView(ListView):
    queryset = Agency.objects.annotate(
        product_count=Count("statuses__product", distinct=True)
    ).filter(product_count__gt=0)


def agency_detail(request, slug):
    agency = get_object_or_404(Agency, slug=slug)
    context = {
        "agency": agency,
        "decisions": agency.events.select_related("product")
        .prefetch_related("sources")
        .order_by("-date", "position"),
        "products": Product.objects.matching(agencies=[agency.slug]).for_listing(
            IndicationStatus.objects.filter(agency=agency)
        ),
        "approvals_chart": agency_approvals_by_year(agency),
    }
    return render(request, "catalog/agency_detail.html", context)


class SponsorListView(ListView):
    queryset = Company.objects.annotate(product_count=Count("products")).filter(
        product_count__gt=0
    )
    template_name = "catalog/sponsor_list.html"


def sponsor_detail(request, slug):
    company = get_object_or_404(
        Company.objects.select_related("parent").prefetch_related("subsidiaries"),
        slug=slug,
    )
    products = Product.objects.filter(
        Q(sponsor=company) | Q(sponsor__parent=company)
    ).for_listing()
    context = {"company": company, "products": products}
    return render(request, "catalog/sponsor_detail.html", context)


class TargetListView(ListView):
    queryset = Target.objects.annotate(product_count=Count("products"))


class TargetDetailView(DetailView):
    queryset = Target.objects.all()

    def get_context_data(self, **kwargs):
        products = self.object.products.for_listing()
        return super().get_context_data(products=products, **kwargs)


def compare(request):
    names = ProductNames()
    selection = CompareSelection.from_query(
        request.GET.getlist("products"), typed=request.GET.getlist("add"), names=names
    )
    context = {
        "selection": selection,
        "names": names.suggestions,
        "suggestions": suggested_comparisons(),
    }
    return render(request, "catalog/compare.html", context)


def methodology(request):
    context = {
        "stats": DatasetStats(),
        "coverage": coverage_by_agency(),
        "audit": run_audit(),
        "evidence_coverage": evidence_coverage(),
    }
    return render(request, "catalog/methodology.html", context)


def glossary(request):
    terms = GlossaryTerm.objects.prefetch_related("see_also", "references")
    return render(request, "catalog/glossary.html", {"terms": terms})


class GuideDetailView(DetailView):
    queryset = Guide.objects.prefetch_related("references")


def style_guide(request):
    """The design system: every component, with two real cards to show them
    at their real size and height."""
    products = Product.objects.for_listing().filter(first_authorised_on__isnull=False)
    context = {"products": products[:2], "statuses": list(Status)}
    return render(request, "catalog/style_guide.html", context)
