"""Text sent gzip-compressed to browsers that accept it (sanad/compression.py): the same
page once decompressed, the staff form a fraction of its size, files that are compressed
already left alone, the API's ETags still answered with 304, and the page cache keeping
the compressed and the plain page apart."""

import gzip

import pytest
from django.urls import reverse

from tests import factories
from tests.portal import PortalClient
from tests.staff_helpers import big_meeting, entry_url, fast_passwords, world  # noqa: F401

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def marib(db):
    return factories.full_meeting("اللقاء التشاوري الموسع في مأرب")


def test_public_pages_and_feeds_are_compressed_and_read_the_same(client, marib):
    for url in (
        "/",
        reverse("meetings:meeting_list"),
        marib.get_absolute_url(),
        "/en" + marib.get_absolute_url(),
        reverse("meetings:recommendation_list"),
        reverse("meetings:feed_meetings_rss"),
        reverse("search:search") + "?q=مأرب",
    ):
        compressed = client.get(url, **GZIP)
        plain = client.get(url)
        assert compressed.status_code == plain.status_code == 200, url
        assert compressed["Content-Encoding"] == "gzip", url
        assert "Content-Encoding" not in plain, url
        assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"], url
        assert gzip.decompress(compressed.content) == plain.content, url
        assert len(compressed.content) < len(plain.content), url


def test_the_staff_form_of_a_big_meeting_is_sent_in_a_fraction_of_its_size(client, world, fast_passwords):  # noqa: F811
    client.force_login(world.editor)
    url = entry_url(big_meeting(world, 20))
    compressed, plain = client.get(url, **GZIP), client.get(url)
    assert compressed["Content-Encoding"] == "gzip"
    assert len(plain.content) > 100_000
    assert len(compressed.content) < len(plain.content) / 5
    # The CSRF token differs on every response; the rest of the form is the same.
    assert b"csrfmiddlewaretoken" in gzip.decompress(compressed.content)


def test_files_that_are_compressed_already_are_sent_as_they_are(client, marib):
    response = client.get(reverse("meetings:meeting_pdf", args=[marib.pk]), **GZIP)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Encoding" not in response
    assert response.content.startswith(b"%PDF")


def test_the_api_still_answers_a_repeated_compressed_request_with_304(client, marib):
    first = client.get("/api/v1/meetings/", **GZIP)
    assert first.status_code == 200 and first["Content-Encoding"] == "gzip"
    # A compressed body has a weak ETag; the browser sends it back as it got it.
    assert first["ETag"].startswith('W/"')
    again = client.get("/api/v1/meetings/", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
