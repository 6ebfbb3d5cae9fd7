"""Pages are served from a cache keyed by the live dataset version."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from catalog.models import DatasetVersion, Product
from catalog.models.content import (
    LIVE_VERSION_KEY,
    LIVE_VERSION_SECONDS,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, seeded):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_page_is_rendered_once_then_served_from_the_cache(
    client, page_cache, django_assert_num_queries
):
    first = client.get("/products/")
    assert first.status_code == 200
    with django_assert_num_queries(0):  # the live version is cached too
        second = client.get("/products/")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_pages_carry_validators_and_cdn_friendly_cache_control(client, page_cache):
    response = client.get("/diseases/multiple-myeloma/")
    version = DatasetVersion.objects.live()
    assert response["ETag"].startswith(f'W/"{version.short_digest}-')
    assert "Last-Modified" in response
    control = response["Cache-Control"]
    assert "public" in control
    assert "max-age=300" in control
    assert "stale-while-revalidate=60" in control
    assert "stale-if-error=86400" in control


def test_a_matching_conditional_get_is_answered_304_without_rendering(
    client, page_cache, django_assert_max_num_queries
):
    etag = client.get("/products/?status=authorised")["ETag"]
    with django_assert_max_num_queries(0):
        response = client.get("/products/?status=authorised", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_compressed_and_plain_bodies_are_kept_apart(client, page_cache):
    plain = client.get("/products/")
    gzipped = client.get("/products/", HTTP_ACCEPT_ENCODING="gzip")
    again_plain = client.get("/products/")
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in again_plain
    assert again_plain.content == plain.content
    assert len(gzipped.content) < len(plain.content) / 3


def test_a_new_dataset_is_served_at_once(client, page_cache, fixtures_copy):
    before = client.get("/products/tisagenlecleucel/")
    assert b"Kymriah" in before.content
    path = fixtures_copy / "products" / "tisagenlecleucel.yaml"
    path.write_text(
        path.read_text().replace("brand_name: Kymriah", "brand_name: Kymrix")
    )
    call_command("seed", fixtures=fixtures_copy, verbosity=0)
    after = client.get("/products/tisagenlecleucel/")
    assert b"Kymrix" in after.content
    assert after["ETag"] != before["ETag"]
    stale = client.get("/products/tisagenlecleucel/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert stale.status_code == 200


def test_seeding_a_b_then_a_labels_the_site_a(seeded, fixtures_copy):
    a = DatasetVersion.objects.live().digest
    path = fixtures_copy / "products" / "tisagenlecleucel.yaml"
    path.write_text(
        path.read_text().replace("brand_name: Kymriah", "brand_name: Kymrix")
    )
    call_command("seed", fixtures=fixtures_copy, verbosity=0)
    b = DatasetVersion.objects.live().digest
    call_command("seed", verbosity=0)
    assert a != b
    assert DatasetVersion.objects.live().digest == a
    assert Product.objects.get(slug="tisagenlecleucel").brand_name == "Kymriah"


def test_errors_and_probes_are_not_cached(client, page_cache):
    client.get("/no-such-product-page/")
    assert "ETag" not in client.get("/no-such-product-page/")
    assert client.get("/healthz")["Cache-Control"] == "no-store"


def _reseed_with_kymrix(fixtures_copy):
    path = fixtures_copy / "products" / "tisagenlecleucel.yaml"
    path.write_text(
        path.read_text().replace("brand_name: Kymriah", "brand_name: Kymrix")
    )
    call_command("seed", fixtures=fixtures_copy, verbosity=0)


def test_seed_publishes_the_new_version_to_the_shared_cache(
    client, page_cache, fixtures_copy, django_capture_on_commit_callbacks
):
    client.get("/products/")
    old = cache.get(LIVE_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        _reseed_with_kymrix(fixtures_copy)
    assert cache.get(LIVE_VERSION_KEY).digest == DatasetVersion.objects.live().digest
    assert cache.get(LIVE_VERSION_KEY).digest != old.digest


def test_a_reseed_the_cache_never_heard_of_is_served_within_a_second(
    client, page_cache, fixtures_copy, monkeypatch
):
    """Another server's `seed` with an unshared cache: only the remembered
    version's lifetime stands between the re-seed and this server."""
    assert b"Kymriah" in client.get("/products/tisagenlecleucel/").content
    monkeypatch.setattr(DatasetVersion, "publish_live", lambda version: None)
    _reseed_with_kymrix(fixtures_copy)
    time.sleep(LIVE_VERSION_SECONDS + 0.1)
    assert b"Kymrix" in client.get("/products/tisagenlecleucel/").content


def test_a_miss_is_rendered_under_the_version_the_database_says_is_live(
    client, page_cache
):
    live = DatasetVersion.objects.live()
    outdated = DatasetVersion(
        digest="0" * 64,
        seeded_at=live.seeded_at,
        product_count=0,
        event_count=0,
    )
    cache.set(LIVE_VERSION_KEY, outdated, 60)
    response = client.get("/diseases/multiple-myeloma/")
    assert response["ETag"].startswith(f'W/"{live.short_digest}-')
    assert cache.get(LIVE_VERSION_KEY).digest == live.digest
