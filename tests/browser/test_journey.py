"""A new user's journey, with JavaScript on and off: search a disease from
the home page, narrow the results with a filter, open a product, follow its
mechanism, then come back with the browser's Back button to the same state.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

QUERY = "large B-cell lymphoma"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_search_filter_product_mechanism_and_back(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    cards = page.locator("main .card__title a")

    page.goto(site + "/")
    page.get_by_label("Search by disease, product or target").fill(QUERY)
    page.get_by_role("button", name="Search").first.click()
    expect(page).to_have_url(re.compile(r"/search/\?q=large"))
    expect(cards.first).to_be_visible()
    broad = cards.count()

    # Narrow: leave out the narrower diseases.
    form = page.locator("main form[role=search]")
    form.get_by_role("checkbox", name=re.compile("Exact disease only")).check()
    form.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"exact=1"))
    expect(cards.first).to_be_visible()
    assert 0 < cards.count() < broad
    results_url = page.url
    product_name = cards.first.inner_text()

    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(product_name)
    product_url = page.url
    page.locator('main a[href^="/mechanisms/"]').first.click()
    expect(page).to_have_url(re.compile(r"/mechanisms/[\w-]+/$"))

    page.go_back()
    expect(page).to_have_url(product_url)
    page.go_back()
    expect(page).to_have_url(results_url)
    form = page.locator("main form[role=search]")
    expect(
        form.get_by_role("checkbox", name=re.compile("Exact disease"))
    ).to_be_checked()
    expect(form.locator("input[name=q]")).to_have_value(QUERY)
    expect(cards.first).to_have_text(product_name)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_list_filters_survive_a_visit_to_a_product(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    cards = page.locator("main .card__title a")

    page.goto(site + "/products/")
    # On a phone, or without JavaScript, the filters wait behind a disclosure.
    disclosure = page.locator("details.filters-disclosure")
    if disclosure.get_attribute("open") is None:
        disclosure.locator("summary").first.click()
    filters = page.get_by_role("form", name="Filter products")
    filters.get_by_label("Disease, product or target").fill("lymphoma")
    kind = filters.locator("details", has_text="Kind of therapy")
    if kind.get_attribute("open") is None:
        kind.locator("summary").click()  # a closed disclosure hides its options
    car_t = filters.get_by_role("checkbox", name=re.compile("^CAR-T cells"))
    car_t.check()
    filters.get_by_role("button", name="Apply filters").first.click()
    expect(page).to_have_url(re.compile(r"q=lymphoma.*modality=car-t"))
    list_url = page.url
    product_name = cards.first.inner_text()

    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(product_name)
    page.go_back()
    expect(page).to_have_url(list_url)
    # Without JavaScript the filters are folded again on the way back, their
    # summary counting the filters applied; unfolded, the choice is still made.
    if disclosure.get_attribute("open") is None:
        expect(disclosure.locator("summary").first).to_contain_text("applied)")
        disclosure.locator("summary").first.click()
    if kind.get_attribute("open") is None:
        kind.locator("summary").click()
    expect(car_t).to_be_checked()
    expect(filters.get_by_label("Disease, product or target")).to_have_value("lymphoma")
    expect(cards.first).to_have_text(product_name)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_compare_two_products_by_typing_a_name_and_back(site, browser, javascript):
    """From a product page to a comparison with another product, picked by
    typing its name (no checkbox list to tab through), then Back."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(site + "/products/tisagenlecleucel/")
    page.get_by_role("link", name="Compare Kymriah with other products").click()
    expect(page).to_have_url(re.compile(r"/compare/\?products=tisagenlecleucel$"))
    picker = page.get_by_role("region", name="Choose products (two to four)")
    picker.get_by_label("Add a product").fill("yescarta")
    picker.get_by_label("Add a product").press("Enter")

    table = page.locator("table.compare")
    expect(table).to_be_visible()
    header = table.locator("thead")
    expect(header).to_contain_text("Kymriah")
    expect(header).to_contain_text("Yescarta")
    # One row per disease group, with the line of therapy in each cell.
    expect(table).to_contain_text("Relapsed or refractory after two or more lines")
    compared_url = page.url

    page.get_by_role("link", name="Remove Yescarta").click()
    expect(table).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(compared_url)
    expect(page.locator("table.compare thead")).to_contain_text("Yescarta")
    context.close()
