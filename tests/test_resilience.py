"""Probes, a database outage, and refusing to start misconfigured."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.test import Client

from catalog.models import DatasetVersion
from celltx.startup import check_ready_to_serve

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_waits_for_a_seeded_dataset(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "No dataset is seeded."


def test_readyz_names_the_live_dataset(client, seeded):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "dataset_version": DatasetVersion.objects.live().short_digest,
    }


@pytest.fixture
def database_down(monkeypatch, settings):
    settings.DEBUG = False
    settings.PAGE_CACHE = True

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(DatasetVersion.objects, "live", refuse)
    return Client(raise_request_exception=False)


def test_pages_answer_a_styled_503_when_the_database_is_down(database_down):
    response = database_down.get("/products/?disease=multiple-myeloma")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert b"briefly unavailable" in response.content
    assert b"OperationalError" not in response.content
    assert b"Traceback" not in response.content


def test_the_api_answers_a_json_503_when_the_database_is_down(database_down):
    response = database_down.get("/api/v1/products/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "unavailable" in response.json()["errors"][0]


def test_the_server_refuses_to_start_without_the_static_manifest(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        check_ready_to_serve()


def test_the_server_refuses_to_start_without_its_sqlite_file(tmp_path):
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": tmp_path / "missing.sqlite3",
    }
    with pytest.raises(ImproperlyConfigured, match="No SQLite database"):
        check_ready_to_serve(database)
