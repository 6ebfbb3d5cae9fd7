"""What every response says about itself: methods, security headers, CSV safety."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings

from catalog.seed import DatasetError, read_dataset
from catalog.spreadsheet import neutralised
from tests.conftest import make_product

pytestmark = pytest.mark.django_db

PAGES = ["/", "/products/", "/search/?q=myeloma", "/about/data/", "/no-such-page/"]


@pytest.mark.parametrize("url", [*PAGES, "/api/v1/products/", "/healthz"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "form-action 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert not response.cookies


def test_hsts_is_sent_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https_when_configured(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/products/?q=myeloma")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/products/?q=myeloma"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
@pytest.mark.parametrize("url", ["/", "/products/", "/compare/", "/search/suggest/"])
def test_pages_refuse_every_method_but_get_and_head(client, method, url):
    response = client.generic(method.upper(), url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert b"read-only" in response.content


def test_the_api_also_answers_options(client):
    assert client.options("/api/v1/products/").status_code == 200
    refused = client.delete("/api/v1/products/")
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD, OPTIONS"


def test_csv_exports_neutralise_cells_a_spreadsheet_would_run(client):
    make_product(slug="formula", brand_name='=HYPERLINK("http://x")')
    response = client.get("/products/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["brand_name"] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_formula_prefixes_are_neutralised(value):
    assert neutralised(value) == f"'{value}"


def test_seed_refuses_text_a_spreadsheet_would_run(fixtures_copy):
    path = fixtures_copy / "products" / "tisagenlecleucel.yaml"
    path.write_text(
        path.read_text().replace("brand_name: Kymriah", "brand_name: '=cmd|x'")
    )
    with pytest.raises(DatasetError) as problem:
        read_dataset(fixtures_copy)
    assert problem.value.errors == [
        "fixtures/products/tisagenlecleucel.yaml, product 'tisagenlecleucel':"
        " 'brand_name'"
        " '=cmd|x' must not begin with '=' (a spreadsheet would read it as a formula)"
    ]


def test_deploy_checks_report_nothing():
    """`check --deploy` with production settings: no warning, none silenced."""
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-7Qz9",
        "DJANGO_ALLOWED_HOSTS": "celltx.example",
    }
    # A deployment sets neither; the browser tests set the second while they
    # run, and the order of the tests must not matter.
    environment.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_access_log_keeps_no_query_string_or_referrer():
    from celltx.access_log import FORMAT

    # %(r)s is the request line with its query, %(q)s the query, %(f)s the
    # referrer (which holds the previous page's query).
    assert "%(U)s" in FORMAT
    assert [code for code in ("%(r)s", "%(q)s", "%(f)s") if code in FORMAT] == []


def test_the_suggestion_endpoint_is_never_logged(monkeypatch):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from celltx.access_log import PrivateAccessLogger

    logged = []
    monkeypatch.setattr(Logger, "access", lambda *args: logged.append(args[3]))
    logger = PrivateAccessLogger(Config())
    logger.access(None, None, {"PATH_INFO": "/search/suggest/"}, None)
    logger.access(None, None, {"PATH_INFO": "/products/"}, None)
    assert [environ["PATH_INFO"] for environ in logged] == ["/products/"]
