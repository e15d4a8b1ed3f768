"""Helpers shared by the public portal's tests."""

import html
import io
import re
import zipfile
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation


class PortalClient(Client):
    """A test client that leaves the test's active language as it was.

    A request under /en/ activates English on the thread (LocaleMiddleware does
    not deactivate it), which would make the test's next ``reverse()`` English.
    """

    def request(self, **request):
        with translation.override(translation.get_language()):
            return super().request(**request)


def page(client, url, **params):
    """The text of the page at ``url`` (with ``params``), which must answer 200."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def link(body, rel):
    """The address of the ``rel="next"``/``"prev"`` link of ``body``, or None."""
    match = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(match.group(1)) if match else None


API_ROOT = "/api/v1/"
# The schema and its documentation describe the API; they hold no record.
API_SKIPPED = ("/api/v1/schema/", "/api/v1/docs/")

HREF = re.compile(r'href="(/[^"#]*)"')


def portal_url_name(path):
    """The URL name of a public portal page, or None for anything else (admin, feeds, static)."""
    path = unquote(urlsplit(path).path)
    # The /en/ prefix only resolves while English is active.
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "meetings" or match.url_name.startswith(("feed_", "calendar_")):
        return None
    return match.url_name


def readable(response):
    """``response`` with its whole text in ``content``: a streamed download read to the end, a
    zip (an XLSX workbook, the dataset) as the text of all its files, one after the other."""
    if not response.streaming:
        return response
    # Read to the end, the test client closes the response (closing it again would fire
    # request_finished with the database connection handler on, closing the test's connection).
    body = b"".join(response.streaming_content)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    text = HttpResponse(body, status=response.status_code, content_type=response.get("Content-Type"))
    text.streamed = True
    return text


def crawl(client, *starts, limit=600):
    """Every portal page reachable by links from ``starts``: {path: response}. Downloads (the
    lists' exports, the dataset) are read whole, as text (``readable``)."""
    seen, queue, pages = set(starts), list(starts), {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = readable(client.get(path))
        pages[path] = response
        if response.get("Content-Type", "").startswith("text/html"):
            for href in HREF.findall(response.content.decode()):
                href = html.unescape(href)
                if href not in seen and portal_url_name(href):
                    seen.add(href)
                    queue.append(href)
    return pages


def api_links(value):
    """Every address of the API in a decoded JSON body (next/previous links, records' urls)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from api_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from api_links(item)
    elif isinstance(value, str) and API_ROOT in value:
        path = value[value.index(API_ROOT):] if value.startswith(("http://", "https://")) else value
        if path.startswith(API_ROOT) and not path.startswith(API_SKIPPED):
            yield path


def api_crawl(client, limit=400):
    """Every API response reachable from the API's root by the addresses it gives: {path: response}."""
    seen, queue, responses = {API_ROOT}, [API_ROOT], {}
    while queue and len(responses) < limit:
        path = queue.pop(0)
        response = client.get(path)
        responses[path] = response
        if response.get("Content-Type", "").startswith("application/json"):
            for link in api_links(response.json()):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    return responses
