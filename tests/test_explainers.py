"""Glossary, guides and the internal links in their prose."""

import pytest
from django.core.management import CommandError, call_command
from pytest_django.asserts import assertContains

from catalog.models import GlossaryTerm, Guide, Reference
from catalog.text import render_markdown
from tests.conftest import make_guide, make_product, make_term

pytestmark = pytest.mark.django_db


def test_internal_links_become_site_urls():
    html = render_markdown(
        "See [Kymriah](product:tisagenlecleucel), [ALL](disease:acute-lymphoblastic-leukemia), "
        "[CAR-T](mechanism:car-directed-cytotoxicity) and [apheresis](glossary:apheresis)."
    )
    assert '<a href="/products/tisagenlecleucel/">Kymriah</a>' in html
    assert '<a href="/diseases/acute-lymphoblastic-leukemia/">ALL</a>' in html
    assert '<a href="/mechanisms/car-directed-cytotoxicity/">CAR-T</a>' in html
    assert '<a href="/glossary/#apheresis">apheresis</a>' in html


def test_unsafe_markup_and_links_are_removed():
    html = render_markdown(
        "[x](javascript:alert(1)) <img src=x onerror=alert(1)> <iframe></iframe>"
    )
    assert "javascript:" not in html and "<img" not in html and "<iframe" not in html


def test_the_glossary_has_an_anchor_per_term(client):
    apheresis = make_term(definition="Blood is *separated*.")
    leuka = make_term(
        slug="leukapheresis", term="Leukapheresis", definition="White cells are kept."
    )
    leuka.see_also.add(apheresis)
    leuka.references.add(
        Reference.objects.create(url="https://example.org/a", title="A review")
    )
    response = client.get("/glossary/")
    assertContains(response, '<dt id="leukapheresis">Leukapheresis</dt>', html=True)
    assertContains(response, "<em>separated</em>", html=True)
    assertContains(response, 'See also: <a href="#apheresis">Apheresis</a>')
    assertContains(
        response,
        '<a href="https://example.org/a" rel="external noopener">A review</a>',
        html=True,
    )


def test_a_guide_renders_with_references(client):
    guide = make_guide()
    guide.references.add(
        Reference.objects.create(url="https://example.org/b", title="A label")
    )
    response = client.get("/guides/cell-therapy-101/")
    assertContains(response, "<h2>Autologous</h2>", html=True)
    assertContains(response, "A label")
    assert client.get("/guides/nope/").status_code == 404


def write_glossary(folder, body):
    """Add terms to the copy's glossary (the real guide links to its terms)."""
    path = folder / "glossary.yaml"
    existing = path.read_text() if path.exists() else ""
    path.write_text(existing.rstrip("\n") + "\n" + body if existing else body)


def test_seed_loads_glossary_and_guides(fixtures_copy):
    write_glossary(
        fixtures_copy,
        "- slug: test-apheresis\n  term: Test apheresis\n  definition: Blood is separated.\n"
        "  last_reviewed: 2026-12-01\n",
    )
    (fixtures_copy / "guides").mkdir(exist_ok=True)
    (fixtures_copy / "guides" / "basics.md").write_text(
        "---\nslug: basics\ntitle: Basics\nsummary: The basics.\n"
        "last_reviewed: 2026-12-01\n---\n"
        "## Start\n\nRead about [apheresis](glossary:test-apheresis) and [Kymriah](product:tisagenlecleucel).\n"
    )
    call_command("seed", fixtures=str(fixtures_copy), verbosity=0)
    assert "glossary:test-apheresis" in Guide.objects.get(slug="basics").body
    assert GlossaryTerm.objects.filter(slug="test-apheresis").exists()


def test_seed_refuses_a_link_to_something_that_does_not_exist(fixtures_copy, capsys):
    write_glossary(
        fixtures_copy,
        "- slug: test-term\n  term: Test term\n  definition: See [x](product:no-such-product).\n"
        "  last_reviewed: 2026-12-01\n",
    )
    with pytest.raises(CommandError):
        call_command("seed", fixtures=str(fixtures_copy), verbosity=0)
    err = capsys.readouterr().err
    assert (
        "fixtures/glossary.yaml, glossary term 'test-term': link to unknown product 'no-such-product'"
        in err
    )


def test_seed_refuses_a_guide_without_front_matter(fixtures_copy, capsys):
    (fixtures_copy / "guides").mkdir(exist_ok=True)
    (fixtures_copy / "guides" / "bad.md").write_text("## No front matter\n")
    with pytest.raises(CommandError):
        call_command("seed", fixtures=str(fixtures_copy), verbosity=0)
    assert (
        "fixtures/guides/bad.md: must start with YAML front matter"
        in capsys.readouterr().err
    )


def test_glossary_query_count_is_fixed(client, django_assert_max_num_queries):
    make_product()
    for n in range(30):
        make_term(slug=f"t-{n}", term=f"Term {n}", definition="Text.")
    with django_assert_max_num_queries(4):
        assert client.get("/glossary/").status_code == 200
