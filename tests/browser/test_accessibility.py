"""axe-core on every page type, phone and desktop widths, light and dark.

axe-core comes with axe-playwright-python. The strict CSP would block its
injection, so the audit's browser context bypasses CSP (the other browser
tests keep it, and assert it).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import PAGES

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}


def _describe(name, violations):
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{name}: {violation['id']} ({violation['impact']}) on"
            f" {len(targets)} element(s): {', '.join(targets[:5])}"
        )
    return lines


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_every_page_type_has_no_axe_violations(site, browser, width, scheme):
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,
        bypass_csp=True,
    )
    page = context.new_page()
    axe = Axe()
    problems = []
    for name, path in PAGES.items():
        page.goto(site + path)
        problems += _describe(
            name, axe.run(page, options=AXE_OPTIONS).response["violations"]
        )
    context.close()
    assert not problems, "\n".join(problems)


CONTROL_CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea');
  return Array.from(controls, (el) => {
    const border = rgb(getComputedStyle(el).borderTopColor);
    return [el.name || el.id, Math.min(ratio(border, behind(el)),
      ratio(border, rgb(getComputedStyle(el).backgroundColor)))];
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_form_control_borders_have_3_to_1_contrast(site, browser, scheme):
    # WCAG 1.4.11, which axe-core does not check: a control's outline must
    # stand out at 3:1 from what is around it and from its own background.
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    weak = []
    for path in (PAGES["home"], PAGES["product-list"], PAGES["search"]):
        page.goto(site + path)
        controls = page.evaluate(CONTROL_CONTRAST)
        assert controls, path
        weak += [(path, name, round(r, 2)) for name, r in controls if r < 3]
    context.close()
    assert not weak
