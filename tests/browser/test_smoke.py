"""The browser harness itself: Chromium starts and renders a seeded page."""

import pytest

pytestmark = pytest.mark.browser


def test_home_renders_under_the_strict_csp(site, page):
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    response = page.goto(site + "/")
    assert response.status == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert page.locator("h1").count() == 1
    assert errors == []  # no CSP violation, no script error
