"""Real Chromium, driven through Playwright, against pytest-django's live server.

On a machine without Chromium these tests skip with the reason; CI sets
SANAD_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SANAD_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SANAD_REQUIRE_BROWSER", "") not in {"", "0"}

# Flags that keep headless Chromium quiet on a machine with no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by the test itself (building data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = (
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set SANAD_CHROMIUM to run the browser tests"
        )
        if REQUIRE_BROWSER:
            pytest.fail(f"SANAD_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh Arabic browser page whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="ar-YE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


