"""Glossary, guides and the internal links and notes in their prose."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from pytest_django.asserts import assertContains, assertInHTML

from catalog.models import GlossaryTerm, Guide, Reference
from catalog.text import citation_problems, render_markdown
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


CITED = (
    "Since April 2024 the US label carries a boxed warning.[^fda-boxed]\n\n"
    "In June 2025 the REMS ended.[^fda-rems] It had applied since 2017.[^fda-boxed]\n\n"
    "[^fda-boxed]: [Boxed warning notice](https://www.fda.gov/boxed). "
    "U.S. Food and Drug Administration, April 2024. Read 2026-12-03.\n"
    "[^fda-rems]: [REMS notice](https://www.fda.gov/rems). FDA, June 2025. "
    "Read 2026-11-26.\n"
)
TODAY = datetime.date(2026, 12, 3)


def test_notes_are_numbered_links_to_a_list_with_links_back():
    html = render_markdown(CITED, notes_id="rems")
    assertInHTML(
        '<sup id="fnref-rems-fda-boxed"><a aria-label="Note 1" class="footnote-ref"'
        ' href="#fn-rems-fda-boxed" role="doc-noteref">1</a></sup>',
        html,
    )
    assertInHTML('<h2 id="rems-notes">Notes</h2>', html)
    assert (
        'aria-labelledby="rems-notes" class="footnote notes" role="doc-endnotes"'
        in html
    )
    assert (
        '<a href="https://www.fda.gov/boxed">Boxed warning notice</a>. '
        "U.S. Food and Drug Administration, April 2024. Read 3 December 2026."
    ) in html
    # Cited twice: one link back to each mention, each named.
    assert 'aria-label="Back to the text of note 1, mention 1"' in html
    assert 'href="#fnref2-rems-fda-boxed"' in html
    assert 'aria-label="Back to the text of note 2"' in html


def test_notes_of_a_glossary_entry_are_titled_by_a_paragraph():
    html = render_markdown(CITED, notes_id="rems", heading="p")
    assertInHTML('<p class="notes-heading" id="rems-notes">Notes</p>', html)


def test_well_formed_notes_raise_no_problem():
    assert citation_problems(CITED, TODAY) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Approved in 2017 ([FDA](https://www.fda.gov/x)).",
            "cite a source as a note ([^key]), not as an inline link",
        ),
        ("Approved in 2017.[^gone]", "note [^gone] is cited but not defined"),
        (
            "Approved in 2017.\n\n[^spare]: [FDA](https://www.fda.gov/x). Read 2026-12-01.",
            "note [^spare] is defined but never cited",
        ),
        (
            "It was approved.[^fda]\n\n[^fda]: [FDA](https://www.fda.gov/x). Read 2026-12-01.",
            "the statement citing [^fda] names no date (a year at least)",
        ),
        (
            "Approved in 2017.[^fda]\n\n[^fda]: FDA's page. Read 2026-12-01.",
            "note [^fda] must start with [title](https://address)",
        ),
        (
            "Approved in 2017.[^fda]\n\n[^fda]: [FDA](https://www.fda.gov/x).",
            "note [^fda] must end with 'Read YYYY-MM-DD.'",
        ),
        (
            "Approved in 2017.[^fda]\n\n[^fda]: [FDA](https://www.fda.gov/x). Read 2027-01-05.",
            "note [^fda] was read on a future day (2027-01-05)",
        ),
        (
            "Approved in 2017.[^FDA]\n\n[^FDA]: [FDA](https://www.fda.gov/x). Read 2026-12-01.",
            "note key [^FDA] must be lowercase letters, digits, '-'",
        ),
    ],
)
def test_citation_problems_name_what_is_wrong(text, problem):
    assert problem in citation_problems(text, TODAY)


def test_the_date_must_be_in_the_cited_statement_not_the_one_before():
    text = (
        "It began in 2017. It was then removed.[^fda]\n\n"
        "[^fda]: [FDA](https://www.fda.gov/x). Read 2026-12-01.\n"
    )
    assert citation_problems(text, TODAY) == [
        "the statement citing [^fda] names no date (a year at least)"
    ]


def test_the_glossary_shows_notes_and_review_date_per_term(client):
    make_term(slug="rems", term="REMS", definition=CITED)
    response = client.get("/glossary/")
    assertContains(
        response, '<p class="notes-heading" id="rems-notes">Notes</p>', html=True
    )
    assertContains(response, 'href="#fn-rems-fda-boxed"')
    assertContains(
        response,
        '<p class="muted">Last reviewed <time datetime="2026-11-26">26 November 2026</time></p>',
        html=True,
    )


def test_a_guide_shows_its_notes_and_review_date(client):
    make_guide(body=CITED, last_reviewed=datetime.date(2026, 12, 3))
    response = client.get("/guides/cell-therapy-101/")
    assertContains(
        response,
        '<h2 id="cell-therapy-101-notes">Notes</h2>',
        html=True,
    )
    assertContains(response, "Read 3 December 2026.")
    assertContains(
        response,
        '<p class="muted">Last reviewed <time datetime="2026-12-03">3 December 2026</time></p>',
        html=True,
    )


def _seed_errors(fixtures_copy, capsys):
    with pytest.raises(CommandError):
        call_command("seed", fixtures=str(fixtures_copy), verbosity=0, dry_run=True)
    return capsys.readouterr().err


def test_seed_refuses_prose_without_a_review_date(fixtures_copy, capsys):
    write_glossary(
        fixtures_copy, "- slug: test-term\n  term: Test term\n  definition: Text.\n"
    )
    assert "glossary term 'test-term': 'last_reviewed' is required" in _seed_errors(
        fixtures_copy, capsys
    )


def test_seed_refuses_a_review_date_in_the_future(fixtures_copy, capsys):
    write_glossary(
        fixtures_copy,
        "- slug: test-term\n  term: Test term\n  definition: Text.\n"
        "  last_reviewed: 2999-01-01\n",
    )
    assert (
        "glossary term 'test-term': 'last_reviewed' is in the future"
        in _seed_errors(fixtures_copy, capsys)
    )


def test_seed_refuses_a_badly_cited_explainer(fixtures_copy, capsys):
    path = fixtures_copy / "mechanisms.yaml"
    text = path.read_text()
    marker = "the most prominent warning on a US label.[^biocentury-boxed-2024]"
    assert marker in text
    path.write_text(text.replace(marker, "the most prominent warning.[^nowhere]"))
    errors = _seed_errors(fixtures_copy, capsys)
    location = "fixtures/mechanisms.yaml, mechanism 'car-directed-cytotoxicity'"
    assert f"{location}: note [^nowhere] is cited but not defined" in errors
    assert (
        f"{location}: note [^biocentury-boxed-2024] is defined but never cited"
        in errors
    )
