import pytest
from django.test import Client
from django.urls import path
from pytest_django.asserts import assertContains, assertTemplateUsed

from celltx import urls as celltx_urls

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", broken_view), *celltx_urls.urlpatterns]


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/products/Not_A_Slug!/",
        "/products/%00/",
        "/diseases/../../etc/passwd",
        "/mechanisms/" + "a" * 5000 + "/",
    ],
)
def test_unknown_addresses_get_the_styled_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(response, "<h1>Page not found</h1>", status_code=404, html=True)
    assertContains(response, 'href="/search/"', status_code=404)


def test_a_server_error_shows_the_styled_500_page_without_a_traceback(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assertTemplateUsed(response, "500.html")
    assertContains(response, "Something went wrong on our side", status_code=500)
    assert b"RuntimeError" not in response.content
