"""The API's documentation page works in a real browser under the site's strict
Content-Security-Policy, from our own static files only."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_documentation_renders_every_endpoint_without_csp_violations(page, live_server):
    console, requests = [], []
    page.on("console", lambda message: console.append(message.text))
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/meetings/" in path for path in paths)
    assert any("/api/v1/ocd/events/" in path for path in paths)
    assert not [text for text in console if "Content Security Policy" in text], console
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
