"""Browser tests: headless Chromium (Debian's package) against the live server.

Without a browser these tests skip, saying how to install one;
CELLTX_REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("CELLTX_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots are artifacts of a run, never committed (see .gitignore).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def pytest_collection_modifyitems(items):
    # Run the browser tests last: Playwright's event loop lives until the end
    # of the session, and other tests should not run beside it.
    here = Path(__file__).parent
    items.sort(key=lambda item: item.path.is_relative_to(here))


@pytest.fixture(scope="session", autouse=True)
def _database_calls_beside_playwright():
    # Playwright's sync API keeps an event loop in the test thread; Django
    # refuses database calls there unless told this thread serves no requests.
    # Set for the browser tests only (they run last): `check --deploy` in a
    # subprocess of an earlier test must not inherit it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _require_browser():
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = (
        f"No Chromium at {CHROMIUM}: install one with `apt-get install chromium`"
        " (or point CELLTX_CHROMIUM at a Chromium binary)"
    )
    if os.environ.get("CELLTX_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}; CELLTX_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_browser()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": LAUNCH_ARGS,
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, over plain HTTP.

    The server builds its middleware once, at start, from the settings of that
    moment: turn HTTPS redirects and HSTS off for it (tests/conftest.py does so
    per test, too late for a session-wide server).
    """
    address = request.config.getvalue("liveserver") or "localhost"
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-playwright's fallback fixture, which pytest 9 rejects
    # (a session fixture defined on a plugin instance); page.goto("/") works.
    return live_server.url


@pytest.fixture
def site(live_server, seeded):
    """The live server's base URL, with the real dataset loaded."""
    return live_server.url


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
