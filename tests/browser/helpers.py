"""Helpers of the public portal's browser tests (tests/browser/test_portal_browser.py):
the database the demo is loaded into, addresses of the portal's pages in each language,
the axe-core audit, and the weight of what a page downloads."""

import gzip
import importlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

# --- Database -------------------------------------------------------------------------


def restore_reference_data():
    """Put back the governorates and stakeholder groups of the data migration, which a
    transactional test's flush removes (the demo needs them)."""
    migration = importlib.import_module("meetings.migrations.0002_reference_data")
    migration.create(apps, None)


def reset_database():
    """An empty database as migrations leave it: what other tests expect to find."""
    call_command("flush", verbosity=0, interactive=False)
    restore_reference_data()


# --- Addresses ------------------------------------------------------------------------


def url_in(language, name, **kwargs):
    """``reverse()`` in ``language``: Arabic at /…, English at /en/…."""
    with translation.override(language):
        return reverse(name if ":" in name else "search:search" if name == "search" else f"meetings:{name}", kwargs=kwargs or None)


def absolute_url_in(language, obj):
    with translation.override(language):
        return obj.get_absolute_url()


# --- Accessibility --------------------------------------------------------------------

SERIOUS = ("serious", "critical")


# axe-core (4.12) takes a text for an icon font's ligature when its letters drawn together are
# narrower than drawn one by one — which is what Arabic's joined letters always are — and after
# three such texts it treats the whole font as an icon font: the color-contrast rule then skips
# every text in it, so an Arabic page's contrast would go unchecked. Sanad uses system fonts
# and no icon font, so every font on the page is declared a text font before each run
# (axe keeps that verdict in its cache under "fonts": occurrences, ligatures seen).
# test_axe_checks_the_contrast_of_arabic_text proves that the audit still sees Arabic text.
AXE_RUN = """async (options) => {
  const fonts = {};
  for (const element of document.querySelectorAll("body, body *")) {
    fonts[getComputedStyle(element).getPropertyValue("font-family")] = {occurrences: 3, numLigatures: 0};
  }
  axe._cache.set("fonts", fonts);
  const results = await axe.run(document, options);
  return results.violations;
}"""


def axe_violations(page, impacts=SERIOUS):
    """axe-core's violations on the page as loaded, keeping only the given impacts (all if None)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(AXE_RUN, {"resultTypes": ["violations"]})
    return [v for v in violations if impacts is None or v.get("impact") in impacts]


def describe_violations(violations):
    """One readable paragraph per violated rule, with the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


# --- Page weight ----------------------------------------------------------------------

# What the budget counts: the page, its styles, scripts and fonts.
COUNTED_TYPES = ("document", "stylesheet", "script", "font")


@dataclass
class Traffic:
    """Every request a page makes, and the responses it gets, as Playwright reports them."""

    requests: list = field(default_factory=list)
    responses: list = field(default_factory=list)

    def listen(self, page):
        # Playwright cannot wrap a built-in method as a handler: hence the lambdas.
        page.on("request", lambda request: self.requests.append(request))
        page.on("response", lambda response: self.responses.append(response))
        return self

    def foreign_requests(self, origin):
        """Requests to anywhere but ``origin`` (data: URLs are part of the page and go nowhere)."""
        expected = urlsplit(origin)
        return [
            request.url
            for request in self.requests
            if urlsplit(request.url).scheme != "data"
            and (urlsplit(request.url).scheme, urlsplit(request.url).netloc) != (expected.scheme, expected.netloc)
        ]

    def gzipped_sizes(self, types=COUNTED_TYPES):
        """``(url, resource type, gzip -6 size)`` of each successful response of those types.

        The test server does not compress, but production (whitenoise, the proxy) does,
        so the budget is about compressed bytes."""
        sizes = []
        for response in self.responses:
            if response.request.resource_type in types and 200 <= response.status < 300:
                sizes.append((response.url, response.request.resource_type, len(gzip.compress(response.body(), 6))))
        return sizes
