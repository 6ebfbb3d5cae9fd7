import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import DiseaseSynonym, ProductAlias, Target
from catalog.search import rebuild_index, search
from catalog.search.normalise import edit_distance, tokenize
from tests.conftest import make_approved_product, make_disease, make_many_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    for term, kind in [
        ("FL", "abbreviation"),
        ("follicular non-Hodgkin lymphoma", "synonym"),
    ]:
        DiseaseSynonym.objects.create(disease=follicular, term=term, kind=kind)
    DiseaseSynonym.objects.create(disease=nhl, term="NHL", kind="abbreviation")
    DiseaseSynonym.objects.create(
        disease=nhl, term="non-Hodgkin's lymphoma", kind="synonym"
    )
    leukemia = make_disease(slug="leukemia", name="Leukemia", therapeutic_area="cancer")
    DiseaseSynonym.objects.create(disease=leukemia, term="leukaemia", kind="spelling")
    all_ = make_disease(
        slug="acute-lymphoblastic-leukemia",
        name="Acute lymphoblastic leukemia",
        parents=[leukemia],
    )
    DiseaseSynonym.objects.create(disease=all_, term="ALL", kind="abbreviation")
    myeloma = make_disease(
        slug="multiple-myeloma", name="Multiple myeloma", therapeutic_area="cancer"
    )
    DiseaseSynonym.objects.create(
        disease=myeloma, term="bone marrow cancer", kind="lay"
    )
    make_disease(slug="melanoma", name="Melanoma", therapeutic_area="cancer")
    cd19 = Target.objects.create(slug="cd19", name="CD19")
    fl_product = make_approved_product(
        follicular, slug="product-000", brand_name="Product 000", target=cd19
    )
    ProductAlias.objects.create(product=fl_product, name="CTL019", kind="code")
    make_approved_product(nhl, slug="widecel", brand_name="Widecel")
    make_approved_product(all_, slug="leukocel", brand_name="Leukocel")
    rebuild_index()


def found(query, **options):
    return [product.brand_name for product in search(query, **options).products]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("follicular lymphoma", ["Product 000"]),
        ("FL", ["Product 000"]),
        ("fl", ["Product 000"]),  # the whole query: the abbreviation wins
        ("lymphoma follicular", ["Product 000"]),  # word order
        ("Follicular Lymphomas", ["Product 000"]),  # case and plural
        ("follicular non hodgkin lymphoma", ["Product 000"]),
        ("lymphona follicular", ["Product 000"]),  # typo
        ("CTL019", ["Product 000"]),
        ("ctl-019", ["Product 000"]),  # joined spelling
        ("CD19", ["Product 000"]),
        (
            "Non-Hodgkin's lymphoma",
            ["Widecel", "Product 000"],
        ),  # exact first, then narrower
        ("nonhodgkin lymphoma", ["Widecel", "Product 000"]),
        ("lymphoma", ["Product 000", "Widecel"]),
        ("leukaemia", ["Leukocel"]),
        ("ALL", ["Leukocel"]),
        ("CAR-T for ALL", ["Leukocel"]),
        (
            "cell therapy for all lymphoma types",
            ["Product 000", "Widecel"],
        ),  # 'all' is a word here
        ("bone marrow cancer", []),
        ("melanoma", []),
        ("qwertyuiop", []),
    ],
)
def test_it_finds_products_the_way_people_name_diseases(catalog, query, expected):
    assert found(query) == expected


def test_an_exact_match_ranks_before_narrower_diseases(catalog):
    assert found("non-Hodgkin lymphoma")[0] == "Widecel"


def test_exact_disease_only_leaves_out_narrower_diseases(catalog):
    assert found("non-Hodgkin lymphoma", exact_only=True) == ["Widecel"]


def test_each_result_says_why_it_matched(catalog):
    result = search("NHL")
    reasons = {hit.product.brand_name: hit.reasons for hit in result.hits}
    assert reasons["Widecel"] == ["matched “NHL” (Non-Hodgkin lymphoma)"]
    assert reasons["Product 000"] == [
        "Follicular lymphoma, a kind of Non-Hodgkin lymphoma"
    ]
    assert result.narrower_count == 1


def test_a_typo_is_corrected_and_said(catalog):
    result = search("lymphona")
    assert result.corrections == [("lymphona", "lymphoma")]
    assert result.products


def test_a_known_disease_without_products_is_said_plainly(client, catalog):
    response = client.get("/search/", {"q": "melanoma"})
    # Names keep their capitals (issue #11: "parkinson's disease", "b-cell").
    assertContains(response, "No authorised cell therapy exists for Melanoma")


def test_the_results_page_names_the_diseases_matched(client, catalog):
    response = client.get("/search/", {"q": "lymphoma"})
    assertContains(
        response,
        'Therapies for <a href="/diseases/lymphoma/">Lymphoma</a> and 2 narrower diseases',
    )
    assertContains(
        response, "<li>Follicular lymphoma, a kind of lymphoma</li>", html=True
    )


def test_broader_diseases_are_offered_not_mixed_in(client, catalog):
    response = client.get("/search/", {"q": "follicular lymphoma"})
    assertContains(
        response,
        '<a href="?q=Non-Hodgkin%20lymphoma">Non-Hodgkin lymphoma</a>',
        html=True,
    )
    assertNotContains(response, "Widecel")


def test_no_result_suggests_close_names(client, catalog):
    response = client.get("/search/", {"q": "folicular lymphomma xyz"})
    assert response.status_code == 200


def test_an_empty_query_shows_examples(client):
    response = client.get("/search/")
    assertContains(response, '<a href="?q=lymphoma">lymphoma</a>', html=True)


def test_suggestions_come_back_as_json(client, catalog):
    data = client.get("/search/suggest/", {"q": "foll"}).json()
    assert (
        data["suggestions"][0]
        == {
            "label": "follicular lymphoma",
            "name": "Follicular lymphoma",
            "kind": "disease",
            "url": "/diseases/follicular-lymphoma/",
        }
        or data["suggestions"][0]["url"] == "/diseases/follicular-lymphoma/"
    )
    assert client.get("/search/suggest/", {"q": ""}).json() == {"suggestions": []}


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "lymph\x00oma",
        "%E0%A4%A",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "(.*+?[",
        "🧬🩸",
        "\u202e",
        "a & b | !c",
        "lymphoma " * 200,
    ],
)
def test_hostile_queries_get_a_normal_page(client, catalog, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


def test_a_broken_percent_escape_in_the_url_gets_a_normal_page(client, catalog):
    assert client.get("/search/?q=%E0%A4%A&q=%ZZ").status_code == 200


def test_normalisation_folds_spelling_case_and_plurals():
    assert tokenize("Haematological Tumours") == tokenize(
        "hematologic tumor"
    ) or tokenize("Haematological Tumours") == ["hematological", "tumor"]
    assert tokenize("Crohn's disease") == ["crohn", "disease"]
    assert tokenize("β-thalassaemia") == ["beta", "thalassemia"]


def test_edit_distance_counts_swaps_as_one():
    assert edit_distance("lymphona", "lymphoma", 2) == 1
    assert edit_distance("myleoma", "myeloma", 2) == 1
    assert edit_distance("sickel", "sickle", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2


@pytest.mark.parametrize("count", [1, 25])
def test_its_query_count_is_fixed(
    client, django_assert_max_num_queries, lymphoma_tree, count
):
    make_many_products(lymphoma_tree[2], count)
    rebuild_index()
    with django_assert_max_num_queries(16):
        assert client.get("/search/", {"q": "lymphoma"}).status_code == 200
    # A misspelling costs two queries more (the index's signature, and its
    # words once per process), however many words are misspelt.
    with django_assert_max_num_queries(17):
        assert client.get("/search/", {"q": "lymphonna"}).status_code == 200


def test_the_page_shows_every_match_a_page_at_a_time(client, lymphoma_tree):
    make_many_products(lymphoma_tree[2], 55)
    rebuild_index()
    response = client.get("/search/", {"q": "follicular lymphoma"})
    assert len(response.context["result"].hits) == 24
    assertContains(response, "(55 products)")
    assertContains(response, "Page 1 of 3")
    last = client.get("/search/", {"q": "follicular lymphoma", "page": "3"})
    assert len(last.context["result"].hits) == 7
    assert client.get("/search/?q=follicular+lymphoma&page=9").status_code == 404


# --- query understanding ----------------------------------------------------------


@pytest.fixture
def understood(catalog):
    """The small catalog, with a sponsor, a second regulator and labels whose
    population and line of therapy differ."""
    from catalog.models import Company, Indication, Product

    parent = Company.objects.create(slug="bigpharma", name="BigPharma Inc")
    Company.objects.filter(slug="acme-cells").update(parent=parent)
    Product.objects.filter(slug="widecel").update(modality="msc")
    Indication.objects.filter(product__slug="leukocel").update(
        population="Children and young adults up to 25 years of age",
        line_of_therapy="Relapsed or refractory after two or more lines",
    )
    rebuild_index()


def test_an_unknown_word_is_ignored_and_said_not_a_reason_for_no_result(understood):
    result = search("follicular lymphoma wounds")
    assert [p.brand_name for p in result.products] == ["Product 000"]
    assert result.ignored == ["wound"]


def test_a_word_beside_a_whole_area_asks_instead_of_answering(understood):
    make_disease(slug="cancer", name="Cancer", therapeutic_area="cancer")
    rebuild_index()
    result = search("pancreatic cancer")
    assert result.products == [] and result.partly_understood


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CAR-T", ["Leukocel", "Product 000"]),
        ("MSC", ["Widecel"]),
        ("BigPharma", ["Leukocel", "Product 000", "Widecel"]),
        ("Acme Cells lymphoma", ["Product 000", "Widecel"]),
        ("approved in the United States", ["Leukocel", "Product 000", "Widecel"]),
        ("lymphoma in Japan", []),
        ("leukemia in children", ["Leukocel"]),
        ("third line leukemia", ["Leukocel"]),
    ],
)
def test_sponsors_kinds_places_and_qualifiers_narrow(understood, query, expected):
    assert sorted(found(query)) == expected


def test_a_qualifier_no_label_fits_sets_the_products_aside_and_says_so(
    client, understood
):
    result = search("newly diagnosed leukemia")
    assert result.products == []
    assert [hit.product.brand_name for hit in result.set_aside] == ["Leukocel"]
    response = client.get("/search/", {"q": "newly diagnosed leukemia"})
    assertContains(response, "Not matching the qualifiers")


def test_roman_numerals_and_number_words_read_as_digits():
    assert tokenize("type II") == tokenize("type two") == ["type", "2"]
    assert tokenize("third-line") == ["3rd", "line"]


def test_names_in_other_scripts_match_inside_the_query(understood, settings, tmp_path):
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "names-ja.yaml").write_text(
        "language: ja\nterms:\n"
        "  - {disease: leukemia, term: 白血病, source: {url: 'https://x.jp/'}}\n"
        "  - {disease: multiple-myeloma, term: 多発性骨髄腫, source: {url: 'https://x.jp/'}}\n",
        encoding="utf-8",
    )
    settings.FIXTURES_DIR = tmp_path
    rebuild_index()
    assert found("白血病の治療") == ["Leukocel"]
    assert search("白血病の治療").ignored == ["の治療"]
    assert search("骨髄腫").understood == [("disease", "Multiple myeloma")]


def test_an_unknown_name_is_not_silently_rewritten(understood):
    result = search("Widecell")
    assert result.corrections == [("widecell", "widecel")]
    assert result.corrected  # the page says what it read


def test_a_page_that_understood_nothing_does_not_claim_none_exists(client, catalog):
    response = client.get("/search/", {"q": "qwertyuiop"})
    assertContains(response, "the words were not understood")
    assertNotContains(response, "No authorised cell therapy exists")


def test_did_you_mean_offers_at_most_three(catalog):
    assert len(search("lymphomx zzzz").did_you_mean) <= 3


def test_a_carers_sentence_finds_the_disease_it_names(understood):
    result = search("my dad has follicular lymphoma, is there a cure")
    assert [p.brand_name for p in result.products] == ["Product 000"]
    assert result.ignored == [] and not result.partly_understood


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("T-cell therapy", ["Leukocel", "Product 000"]),  # Widecel is an MSC
        ("engineered T cells for lymphoma", ["Product 000"]),
        ("cell therapy for follicular lymphoma", ["Product 000"]),
        ("cell therapy", ["Leukocel", "Product 000", "Widecel"]),
        ("leukemia after two treatments", ["Leukocel"]),  # two or more lines
        ("leukemia after one prior line", []),  # asks for two
        ("lymphoma in children", []),  # the labels say adults
    ],
)
def test_kinds_of_therapy_and_counted_treatments(understood, query, expected):
    from catalog.models import Product

    Product.objects.filter(slug="widecel").update(cell_type="Mesenchymal cells")
    assert sorted(found(query)) == expected


@pytest.mark.parametrize("path", ["/products/", "/search/"])
def test_a_long_misspelt_query_costs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, catalog, path
):
    words = [
        "follicullar", "lymphomma", "leukemai", "childern", "aproved", "japn",
        "korae", "eurpoe", "sicle", "cel", "diseaes", "thalasemia", "burnz",
        "kneee", "cartilege", "diabetis", "ulcerr", "parkinsn", "alzheimerss",
        "strok", "artritis", "hepatitiss", "kidnee", "lunng", "stomache",
        "brian", "tumorr", "eplepsy", "glioblastomaa", "pankreatic",
    ]  # fmt: skip
    assert len(words) == 30
    with django_assert_max_num_queries(25):
        response = client.get(path, {"q": " ".join(words)})
    assert response.status_code == 200
    # The words past the limits are named, not silently dropped.
    assertContains(response, "Not read:")
    assertContains(response, "‘pankreatic’")
    assertContains(response, "“follicullar” as “follicular”")


def test_an_abbreviation_no_word_is_spelled_like_is_read_in_small_letters(understood):
    assert sorted(found("relapsed nhl in adults")) == ["Product 000", "Widecel"]
    assert found("lymphoma all") == found("lymphoma")  # "all" is a word here


def test_a_word_after_a_whole_area_is_ignored_not_read_as_a_kind_of_it(understood):
    result = search("lymphoma; DROP TABLE products")
    assert sorted(p.brand_name for p in result.products) == ["Product 000", "Widecel"]
    assert result.ignored == ["drop", "table"] and not result.partly_understood
