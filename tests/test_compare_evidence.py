"""Evidence and label safety on the compare page, aligned by disease."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import Administration
from tests.conftest import make_disease, make_many_products
from tests.test_evidence_pages import make_evidence

pytestmark = pytest.mark.django_db

NOT_HEAD_TO_HEAD = "They are not head-to-head comparisons"


def compare_url(products):
    return "/compare/?products=" + ",".join(p.slug for p in products)


def test_trials_for_the_same_disease_share_a_row_with_the_note(client):
    products = make_many_products(make_disease(name="Follicular lymphoma"), 2)
    for product in products:
        make_evidence(product, product.indications.get())
    response = client.get(compare_url(products))
    content = response.content.decode()
    assertContains(response, NOT_HEAD_TO_HEAD)
    assertContains(response, "Pivotal evidence: Follicular lymphoma", count=1)
    assert content.count("Complete response rate: 39% of 101 (95% CI 30–49)") == 2
    assertContains(response, "boxed warnings for cytokine release syndrome", count=2)
    assertContains(response, "Severe neurological toxicities: 31% of 383", count=2)


def test_a_product_without_evidence_says_so_in_its_cell(client):
    products = make_many_products(make_disease(), 2)
    make_evidence(products[0], products[0].indications.get())
    response = client.get(compare_url(products))
    assertContains(response, "No pivotal trial recorded")
    assertContains(response, "No label safety recorded")


def test_no_evidence_no_evidence_rows(client):
    products = make_many_products(make_disease(), 2)
    assertNotContains(client.get(compare_url(products)), NOT_HEAD_TO_HEAD)


@pytest.mark.parametrize("count", [2, 4])
def test_its_query_count_is_fixed(client, count, django_assert_max_num_queries):
    products = make_many_products(make_disease(), count)
    for product in products:
        make_evidence(product, product.indications.get(), trials=3)
    with django_assert_max_num_queries(30):
        response = client.get(compare_url(products))
    assertContains(response, NOT_HEAD_TO_HEAD)


def test_the_labelled_dose_sits_beside_the_others(client):
    products = make_many_products(make_disease(), 2)
    Administration.objects.create(
        product=products[0],
        dose="One infusion of 2 × 10⁶ CAR-positive T cells per kg",
        lymphodepletion="Fludarabine and cyclophosphamide for three days",
    )
    response = client.get(compare_url(products))
    assertContains(response, '<th scope="row">Dose and how it is given</th>', html=True)
    assertContains(
        response, "<p>One infusion of 2 × 10⁶ CAR-positive T cells per kg</p>"
    )
    assertContains(response, "Before it: Fludarabine and cyclophosphamide")
    assertContains(response, "Not recorded yet", count=1)


def test_no_dose_recorded_no_dose_row(client):
    products = make_many_products(make_disease(), 2)
    assertNotContains(client.get(compare_url(products)), "Dose and how it is given")
