"""What crawlers and link previews read: robots.txt, sitemap.xml and each
page's title, description, canonical link and Open Graph tags. Plain Django
test client, no browser; it sits here with the other page-type tests.
"""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders

from tests.browser.pages import PAGES

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /search/" in response.text


def test_every_page_in_the_sitemap_answers(client, seeded):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    urls = [
        loc.text
        for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")
    ]
    assert "http://testserver/products/tisagenlecleucel/" in urls
    assert len(urls) == len(set(urls)) > 100
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_favicon_ico_leads_to_the_drawn_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")
    assert "<svg" in Path(finders.find("img/favicon.svg")).read_text()


def _head(client, path):
    html = client.get(path).text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    description = re.search(r'<meta name="description" content="(.*?)">', html)
    canonical = re.search(r'<link rel="canonical" href="(.*?)">', html)
    return title, description.group(1), canonical and canonical.group(1), html


@pytest.mark.django_db
def test_each_page_type_has_its_own_title_and_description(client, seeded):
    heads = {name: _head(client, path) for name, path in PAGES.items()}
    titles = [title for title, *_ in heads.values()]
    descriptions = [description for _, description, *_ in heads.values()]
    assert len(set(titles)) == len(titles)
    # Only a filtered list shares the list's description, and the list is its canonical.
    assert len(set(descriptions)) == len(descriptions) - 1
    for name, (title, description, canonical, html) in heads.items():
        # Link previews show the page's own title and description.
        og_title = title.removesuffix(" · CellTx")
        assert f'<meta property="og:title" content="{og_title}">' in html, name
        assert f'<meta property="og:description" content="{description}">' in html
        if name == "not-found":
            assert canonical is None
            continue
        assert canonical == "http://testserver" + PAGES[name].split("?")[0], name
        assert f'<meta property="og:url" content="{canonical}">' in html
        assert '<meta property="og:image" content="http://testserver/' in html
        assert '<link rel="apple-touch-icon"' in html
