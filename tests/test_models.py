import datetime

import pytest
from django.db import IntegrityError

from catalog.choices import Status
from catalog.models import Disease, ProductMechanism
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


def test_an_event_without_a_source_is_refused_by_the_database():
    product = make_product()
    with pytest.raises(IntegrityError):
        make_event(product, source_url="")


def test_an_unknown_modality_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        make_product(modality="car-x")


def test_an_unknown_event_type_is_refused_by_the_database():
    product = make_product()
    with pytest.raises(IntegrityError):
        make_event(product, event_type="approved-maybe")


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
    event = make_event(
        make_product(), date=datetime.date(2017, 8, 30), date_precision=precision
    )
    assert event.display_date == shown
    assert event.iso_date == iso


def _status_of(product, agency_slug="fda"):
    product.refresh_from_db()
    (status,) = [s for s in product.agency_statuses if s.agency.slug == agency_slug]
    return status


def test_an_approval_makes_the_product_approved_since_that_day(lymphoma_tree):
    product = make_product()
    indication = make_indication(product, lymphoma_tree[2])
    make_event(product, [indication], date=datetime.date(2017, 8, 30))
    status = _status_of(product)
    assert status.status == Status.APPROVED
    assert status.since == datetime.date(2017, 8, 30)


def test_a_withdrawal_without_indications_ends_every_indication(lymphoma_tree):
    product = make_product()
    first = make_indication(product, lymphoma_tree[2])
    second = make_indication(product, lymphoma_tree[1])
    make_event(product, [first])
    make_event(
        product, [second], event_type="label-expansion", date=datetime.date(2021, 1, 1)
    )
    make_event(product, event_type="withdrawal", date=datetime.date(2023, 5, 6))
    status = _status_of(product)
    assert status.status == Status.WITHDRAWN
    assert status.since == datetime.date(2023, 5, 6)


def test_a_refusal_for_one_indication_leaves_the_approved_one_standing(lymphoma_tree):
    product = make_product()
    approved = make_indication(product, lymphoma_tree[2])
    refused = make_indication(product, lymphoma_tree[1])
    make_event(product, [approved])
    make_event(product, [refused], event_type="refusal", date=datetime.date(2022, 1, 1))
    assert _status_of(product).status == Status.APPROVED


def test_a_complete_response_letter_then_an_approval_is_approved(lymphoma_tree):
    product = make_product()
    indication = make_indication(product, lymphoma_tree[2])
    make_event(
        product, event_type="complete-response-letter", date=datetime.date(2019, 1, 1)
    )
    make_event(product, [indication], date=datetime.date(2020, 1, 1))
    assert _status_of(product).status == Status.APPROVED


def test_a_filing_alone_shows_the_product_under_review():
    product = make_product()
    make_event(product, event_type="filing-accepted")
    assert _status_of(product).status == Status.UNDER_REVIEW


def test_each_agency_has_its_own_status(lymphoma_tree):
    product = make_product()
    indication = make_indication(product, lymphoma_tree[2])
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    make_event(product, [indication], agency=fda)
    make_event(product, [indication], agency=ec, event_type="conditional-approval")
    assert _status_of(product, "fda").status == Status.APPROVED
    assert _status_of(product, "ec").status == Status.CONDITIONAL


def test_descendants_include_every_narrower_disease(lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    unrelated = make_disease(slug="melanoma", name="Melanoma")
    found = Disease.objects.descendant_ids([lymphoma])
    assert found == {lymphoma.pk, nhl.pk, follicular.pk}
    assert unrelated.pk not in found
    assert Disease.objects.descendant_ids([follicular]) == {follicular.pk}
