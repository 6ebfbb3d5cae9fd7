import datetime

import pytest
from pytest_django.asserts import assertContains

from catalog.models import Target
from catalog.search import rebuild_index
from tests.conftest import (
    make_agency,
    make_approved_product,
    make_cell_source,
    make_company,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_mechanism,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(lymphoma_tree):
    """Four products that differ on every facet."""
    lymphoma, nhl, follicular = lymphoma_tree
    gvhd = make_disease(
        slug="gvhd",
        name="Graft-versus-host disease",
        therapeutic_area="blood-and-immune",
    )
    knee = make_disease(
        slug="knee-defect",
        name="Knee cartilage defect",
        therapeutic_area="skin-and-tissue",
    )
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    acme = make_company()
    beta = make_company(slug="beta-co", name="Beta Co")
    blood = make_cell_source()
    marrow = make_cell_source(
        slug="allogeneic-bone-marrow",
        name="Donor marrow",
        donor_relation="allogeneic",
        tissue="bone-marrow",
    )
    cartilage = make_cell_source(
        slug="autologous-cartilage", name="Own cartilage", tissue="cartilage"
    )
    car = make_mechanism()
    immuno = make_mechanism(slug="immunomodulation", name="Immunomodulation")
    repair = make_mechanism(slug="tissue-replacement", name="Tissue replacement")
    cd19 = Target.objects.create(slug="cd19", name="CD19")

    def product(slug, brand, disease, events, **fields):
        item = make_product(slug=slug, brand_name=brand, **fields)
        indication = make_indication(item, disease)
        for agency, event_type, year in events:
            make_event(
                item,
                [indication],
                agency=agency,
                event_type=event_type,
                date=datetime.date(year, 6, 1),
            )
        return item

    product(
        "alphacel",
        "Alphacel",
        follicular,
        [(fda, "approval", 2017), (ec, "conditional-approval", 2019)],
        sponsor=acme,
        cell_source=blood,
        target=cd19,
        mechanism=car,
        cell_type="T cells",
    )
    product(
        "betacel",
        "Betacel",
        gvhd,
        [(fda, "approval", 2024)],
        sponsor=beta,
        cell_source=marrow,
        modality="msc",
        gene_modification="none",
        mechanism=immuno,
        cell_type="Stromal cells",
    )
    product(
        "gammacel",
        "Gammacel",
        nhl,
        [(ec, "approval", 2020), (ec, "withdrawal", 2023)],
        sponsor=beta,
        cell_source=blood,
        target=cd19,
        gene_modification="gamma-retroviral",
        mechanism=car,
        cell_type="T cells",
    )
    product(
        "deltacel",
        "Deltacel",
        knee,
        [(fda, "filing-accepted", 2025)],
        sponsor=acme,
        cell_source=cartilage,
        modality="tissue-engineered",
        gene_modification="none",
        mechanism=repair,
        cell_type="Chondrocytes",
    )
    rebuild_index()


def names(response):
    return [product.brand_name for product in response.context["object_list"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alphacel", "Betacel", "Deltacel", "Gammacel"]),
        ("modality=msc", ["Betacel"]),
        ("donor=allogeneic", ["Betacel"]),
        ("tissue=cartilage", ["Deltacel"]),
        ("cell_type=t-cells", ["Alphacel", "Gammacel"]),
        ("target=cd19", ["Alphacel", "Gammacel"]),
        ("gene_modification=gamma-retroviral", ["Gammacel"]),
        ("mechanism=immunomodulation", ["Betacel"]),
        ("disease=follicular-lymphoma", ["Alphacel"]),
        ("disease=lymphoma", ["Alphacel", "Gammacel"]),
        ("area=blood-and-immune", ["Betacel"]),
        ("agency=ec", ["Alphacel", "Gammacel"]),
        ("status=withdrawn", ["Gammacel"]),
        ("status=under-review", ["Deltacel"]),
        ("status=authorised", ["Alphacel", "Betacel"]),
        ("approved_from=2020", ["Betacel", "Gammacel"]),
        ("approved_to=2019", ["Alphacel"]),
        ("sponsor=beta-co", ["Betacel", "Gammacel"]),
        ("q=gvhd", []),
        ("q=graft-versus-host", ["Betacel"]),
    ],
)
def test_each_filter_narrows_the_list(client, catalog, query, expected):
    response = client.get(f"/products/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("modality=car-t&modality=msc", ["Alphacel", "Betacel", "Gammacel"]),
        ("modality=car-t&gene_modification=lentiviral", ["Alphacel"]),
        ("target=cd19&sponsor=acme-cells", ["Alphacel"]),
        ("agency=ec&status=withdrawn", ["Gammacel"]),
        ("agency=fda&status=withdrawn", []),
        ("agency=fda&agency=ec&status=conditional", ["Alphacel"]),
        # Dates, like disease and regulator, apply to one indication's row:
        # Alphacel was first authorised for lymphoma at the EC in 2019.
        ("disease=lymphoma&approved_from=2018", ["Alphacel", "Gammacel"]),
        ("disease=lymphoma&agency=fda&approved_from=2018", []),
        (
            "mechanism=car-directed-cytotoxicity&donor=autologous&area=cancer",
            ["Alphacel", "Gammacel"],
        ),
    ],
)
def test_values_are_or_within_a_facet_and_and_across_facets(
    client, catalog, query, expected
):
    assert names(client.get(f"/products/?{query}")) == expected


def facet(response, name):
    return {
        option.value: option
        for f in response.context["facets"]
        if f.name == name
        for option in f.options
    }


def test_options_count_the_products_they_would_give_under_the_other_filters(
    client, catalog
):
    response = client.get("/products/?modality=car-t")
    modality = facet(response, "modality")
    assert (modality["car-t"].count, modality["msc"].count) == (
        2,
        1,
    )  # own facet ignored
    genes = facet(response, "gene_modification")
    assert (genes["lentiviral"].count, genes["gamma-retroviral"].count) == (1, 1)
    assert genes["none"].count == 0 and genes["none"].disabled


def test_disease_counts_include_narrower_diseases(client, catalog):
    diseases = facet(client.get("/products/"), "disease")
    assert diseases["lymphoma"].count == 2
    assert diseases["follicular-lymphoma"].count == 1


def test_agency_and_status_counts_respect_each_other(client, catalog):
    response = client.get("/products/?agency=ec")
    statuses = facet(response, "status")
    assert (statuses["withdrawn"].count, statuses["conditional"].count) == (1, 1)
    assert statuses["under-review"].disabled  # only at the FDA


def test_a_disabled_option_is_rendered_disabled(client, catalog):
    response = client.get("/products/?modality=car-t")
    assertContains(response, 'name="gene_modification" value="none" disabled')


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alphacel", "Betacel", "Deltacel", "Gammacel"]),
        ("first-approval", ["Alphacel", "Gammacel", "Betacel", "Deltacel"]),
        ("recent", ["Deltacel", "Betacel", "Gammacel", "Alphacel"]),
        ("indications", ["Alphacel", "Betacel", "Deltacel", "Gammacel"]),
    ],
)
def test_it_sorts(client, catalog, sort, expected):
    assert names(client.get(f"/products/?sort={sort}")) == expected


def test_active_filters_are_removable_chips_with_clear_all(client, catalog):
    response = client.get("/products/?modality=car-t&modality=msc&sponsor=beta-co")
    assertContains(
        response, '<a class="chip" href="?modality=msc&amp;sponsor=beta-co"', count=1
    )
    assertContains(
        response, '<a class="chip" href="?modality=car-t&amp;modality=msc"', count=1
    )
    assertContains(response, '<a href="/products/">Clear all</a>', html=True)
    assertContains(response, "matching your filters")


def test_the_heading_counts_the_results(client, catalog):
    assertContains(client.get("/products/?target=cd19"), "<h1>2 products", html=False)


def test_the_form_works_without_javascript(client, catalog):
    response = client.get("/products/")
    assertContains(response, '<form class="filters" method="get" action="/products/"')
    assertContains(response, '<button type="submit">Apply filters</button>', html=True)
    assertContains(response, 'type="checkbox" name="modality" value="car-t"')


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("modality=car-x", "“car-x” is not a known kind of therapy; it was ignored."),
        ("disease=no-such-disease", "“no-such-disease” is not a known disease"),
        ("agency=%3Cscript%3E", "“&lt;script&gt;” is not a known regulator"),
        ("approved_from=abc", "“abc” is not a year"),
        ("approved_to=99999999999999999999", "is not a year"),
        ("sort=drop+table", "is not a way to sort; sorted by name instead."),
        ("status=approved%00", "is not a known status"),
    ],
)
def test_unknown_values_are_ignored_with_a_visible_message(
    client, catalog, query, message
):
    response = client.get(f"/products/?{query}")
    assert response.status_code == 200
    assertContains(response, message)
    assert len(names(response)) == 4


def test_the_form_as_submitted_with_empty_fields_works(client, catalog):
    url = "/products/?q=&sort=name&modality=msc&approved_from=&approved_to=&page="
    response = client.get(url)
    assert response.status_code == 200
    assert names(response) == ["Betacel"]


@pytest.mark.parametrize("year", ["²", "1" * 5000, "٢٠٢٠", "2020.0"])
def test_a_year_that_is_not_four_digits_is_ignored_with_a_message(
    client, catalog, year
):
    response = client.get("/products/", {"approved_from": year})
    assert response.status_code == 200
    assertContains(response, "is not a year")


def test_a_valid_value_survives_beside_an_invalid_one(client, catalog):
    response = client.get("/products/?modality=msc&modality=nonsense")
    assert names(response) == ["Betacel"]


def test_unknown_parameters_are_ignored(client, catalog):
    assert names(client.get("/products/?utm_source=mail&foo=bar")) == [
        "Alphacel",
        "Betacel",
        "Deltacel",
        "Gammacel",
    ]


def test_it_paginates_twenty_to_a_page_and_keeps_the_filters(client):
    make_many_products(make_disease(), 25)
    first = client.get("/products/?modality=car-t")
    assert len(names(first)) == 20
    assertContains(first, "Page 1 of 2")
    assertContains(first, 'href="?modality=car-t&amp;page=2"')
    second = client.get("/products/?modality=car-t&page=2")
    assert names(second)[-1] == "Product 024"


@pytest.mark.parametrize("page", ["0", "3", "9999", "abc", "-1", "1e3", "%00"])
def test_a_page_that_does_not_exist_is_a_404(client, page):
    make_many_products(make_disease(), 25)
    assert client.get(f"/products/?page={page}").status_code == 404


def test_an_empty_result_says_how_to_widen_it(client, catalog):
    response = client.get("/products/?modality=msc&target=cd19")
    assertContains(response, "No product matches all of these filters.")


@pytest.mark.parametrize("count", [1, 30])
def test_its_query_count_is_fixed(client, django_assert_max_num_queries, count):
    make_many_products(make_disease(), count)
    url = "/products/?modality=car-t&agency=fda&status=approved&disease=follicular-lymphoma&mechanism=car-directed-cytotoxicity&sponsor=acme-cells&sort=recent"
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert len(names(response)) == min(count, 20)
    with django_assert_max_num_queries(35):
        assert client.get("/products/").status_code == 200


def test_a_search_runs_once_per_request_whatever_the_facets(
    client, monkeypatch, lymphoma_tree
):
    from catalog import filters

    make_many_products(lymphoma_tree[2], 3)
    rebuild_index()
    calls = []
    real = filters.search

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(filters, "search", counting)
    query = "folicular lymphomma for my dad in the uk with relapsed disease pls"
    assert client.get("/products/", {"q": query}).status_code == 200
    assert len(calls) == 1


def test_with_a_search_the_list_is_ordered_by_relevance(client, lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    make_approved_product(follicular, slug="aaa-narrower", brand_name="Aaa")
    make_approved_product(nhl, slug="zzz-exact", brand_name="Zzz")
    rebuild_index()
    response = client.get("/products/", {"q": "non-hodgkin lymphoma"})
    names = [p.brand_name for p in response.context["page_obj"]]
    assert names == ["Zzz", "Aaa"]
    api = client.get("/api/v1/products/", {"q": "non-hodgkin lymphoma"}).json()
    assert [row["slug"] for row in api["results"]] == ["zzz-exact", "aaa-narrower"]


def test_the_list_says_what_the_search_understood_and_ignored(client, lymphoma_tree):
    make_approved_product(lymphoma_tree[2], slug="fl-cel", brand_name="Flcel")
    rebuild_index()
    response = client.get("/products/", {"q": "follicular lymphoma wombats"})
    assertContains(response, "Ignored: ‘wombat’")
    assertContains(response, "Flcel")
