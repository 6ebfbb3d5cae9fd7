"""A product page printed on A4 (issue #11): the matrix within the page's
width, outside links followed by their address, charts with their legends."""

import pytest

from tests.browser.pages import PAGES

pytestmark = pytest.mark.browser

# A4 less 12 mm margins each side, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH = round((210 - 24) / 25.4 * 96)


def test_a_product_page_prints_on_a4(site, browser, artifacts):
    context = browser.new_context(viewport={"width": A4_CONTENT_WIDTH, "height": 1100})
    page = context.new_page()
    page.goto(site + PAGES["product"])
    page.emulate_media(media="print")
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll('table.matrix'),
            (table) => table.getBoundingClientRect().right)"""
    )
    assert widths and max(widths) <= A4_CONTENT_WIDTH + 1, widths
    printed = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('main a[href^="http"]:not(.sources a)'),
            '::after').content"""
    )
    assert printed not in ("none", "normal"), printed
    breaks = page.evaluate(
        "() => getComputedStyle(document.querySelector('figure.chart')).breakInside"
    )
    assert breaks == "avoid"
    page.pdf(path=artifacts / "product-a4.pdf", format="A4")
    context.close()
