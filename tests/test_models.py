import datetime

import pytest
from django.db import IntegrityError

from catalog.choices import Status
from catalog.models import (
    Disease,
    IndicationStatus,
    Product,
    ProductMechanism,
    RegulatoryEvent,
)
from tests.conftest import (
    make_agency,
    make_disease,
    make_event,
    make_indication,
    make_mechanism,
    make_product,
)

pytestmark = pytest.mark.django_db


def test_a_product_has_only_one_primary_mechanism():
    product = make_product()
    other = make_mechanism(slug="immunomodulation", name="Immunomodulation")
    with pytest.raises(IntegrityError):
        ProductMechanism.objects.create(
            product=product, mechanism=other, is_primary=True, position=1
        )


def test_a_decision_source_without_an_address_is_refused_by_the_database():
    product = make_product()
    with pytest.raises(IntegrityError):
        make_event(product, [make_indication(product, make_disease())], source_url="")


def test_an_unknown_modality_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        make_product(modality="car-x")


def test_an_unknown_event_type_is_refused_by_the_database():
    product = make_product()
    with pytest.raises(IntegrityError):
        RegulatoryEvent.objects.create(
            product=product,
            agency=make_agency(),
            event_type="approved-maybe",
            date=datetime.date(2020, 1, 1),
            date_precision="day",
            position=0,
        )


def test_product_slugs_are_unique():
    make_product()
    with pytest.raises(IntegrityError):
        make_product(brand_name="Another")


def test_get_absolute_url_uses_the_slug():
    assert make_product(slug="tisagenlecleucel").get_absolute_url() == (
        "/products/tisagenlecleucel/"
    )
    assert make_disease().get_absolute_url() == "/diseases/follicular-lymphoma/"
    assert make_mechanism(slug="tissue-replacement").get_absolute_url() == (
        "/mechanisms/tissue-replacement/"
    )


@pytest.mark.parametrize(
    ("precision", "shown", "iso"),
    [
        ("day", "30 August 2017", "2017-08-30"),
        ("month", "August 2017", "2017-08"),
        ("year", "2017", "2017"),
    ],
)
def test_event_dates_show_only_the_known_precision(precision, shown, iso):
    product = make_product()
    event = make_event(
        product,
        [make_indication(product, make_disease())],
        date=datetime.date(2017, 8, 30),
        date_precision=precision,
    )
    assert event.display_date == shown
    assert event.iso_date == iso


def _summary(product, agency_slug="fda"):
    """The product's standing at one regulator, as its card shows it."""
    product = Product.objects.for_listing().get(pk=product.pk)
    (summary,) = [s for s in product.agency_summaries if s.agency.slug == agency_slug]
    return summary


def _row(indication, agency_slug="fda"):
    return IndicationStatus.objects.get(indication=indication, agency__slug=agency_slug)


def test_an_approval_makes_the_indication_approved_since_that_day(lymphoma_tree):
    product = make_product()
    indication = make_indication(product, lymphoma_tree[2])
    make_event(product, [indication], date=datetime.date(2017, 8, 30))
    row = _row(indication)
    assert row.state == Status.APPROVED
    assert row.display_since == "30 August 2017"
    assert row.source_url == "https://www.fda.gov/x"


def test_a_withdrawal_without_indications_ends_every_indication(lymphoma_tree):
    product = make_product()
    first = make_indication(product, lymphoma_tree[2])
    second = make_indication(product, lymphoma_tree[1])
    make_event(product, [first])
    make_event(
        product, [second], event_type="label-expansion", date=datetime.date(2021, 1, 1)
    )
    make_event(product, event_type="withdrawal", date=datetime.date(2023, 5, 6))
    assert [_row(first).state, _row(second).state] == [Status.WITHDRAWN] * 2
    summary = _summary(product)
    assert summary.state == Status.WITHDRAWN
    assert summary.since == datetime.date(2023, 5, 6)


def test_the_product_shows_its_best_indication_at_each_regulator(lymphoma_tree):
    product = make_product()
    approved = make_indication(product, lymphoma_tree[2])
    refused = make_indication(product, lymphoma_tree[1])
    make_event(product, [approved])
    make_event(product, [refused], event_type="refusal", date=datetime.date(2022, 1, 1))
    assert _row(refused).state == Status.REFUSED
    assert _summary(product).state == Status.APPROVED


def test_each_agency_has_its_own_status(lymphoma_tree):
    product = make_product()
    indication = make_indication(product, lymphoma_tree[2])
    fda = make_agency()
    ec = make_agency(
        slug="ec", short_name="EC/EMA", name="European Commission", country="eu"
    )
    make_event(product, [indication], agency=fda)
    make_event(product, [indication], agency=ec, event_type="conditional-approval")
    assert _row(indication, "fda").state == Status.APPROVED
    assert _row(indication, "ec").state == Status.CONDITIONAL


def test_a_disease_and_its_narrower_ones_are_one_join_away(lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    unrelated = make_disease(slug="melanoma", name="Melanoma")
    found = set(Disease.objects.filter(pk=lymphoma.pk).and_narrower())
    assert found == {lymphoma, nhl, follicular}
    assert unrelated not in found
    assert set(Disease.objects.filter(pk=follicular.pk).and_narrower()) == {follicular}


def test_a_row_is_found_by_its_disease_and_every_broader_one(lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    product = make_product()
    make_event(product, [make_indication(product, follicular)])
    for disease in (lymphoma, nhl, follicular):
        assert IndicationStatus.objects.matching(diseases=[disease]).count() == 1
    assert IndicationStatus.objects.matching(diseases=[nhl], exact=True).count() == 0
