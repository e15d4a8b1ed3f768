"""The addresses of detail pages, without a ``reverse()`` for each.

Django's ``reverse()`` looks through the URL patterns, checks the value against the
pattern's converter and quotes the result: 110–130 µs a call on a slow 2-core machine
(session 22). A page of cards links every meeting, organisation and recommendation it shows:
about 250 addresses on a governorate's page, a quarter of its time. An address differs from
its neighbours only by the value in it, so it is reversed once with a placeholder, and each
record's value is put in its place.
"""

from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import get_language


class AddressPattern:
    """A detail page's address in one language, reversed once: ``pattern(value)`` is
    ``reverse(url_name, kwargs={kwarg: value})`` with that language active, quoted as
    :func:`django.urls.reverse` quotes it (Arabic slugs percent-encoded)."""

    PLACEHOLDERS = {"pk": "987654321", "slug": "sanad-placeholder"}
    # What reverse() leaves unquoted (django.urls.resolvers: RFC 3986 sub-delimiters and "/~:@").
    SAFE = "!$&'()*+,;=" + "/~:@"

    def __init__(self, url_name, kwarg, language):
        placeholder = self.PLACEHOLDERS[kwarg]
        with translation.override(language):
            path = reverse(url_name, kwargs={kwarg: placeholder})
        self.head, self.tail = path.split(placeholder)

    def __call__(self, value):
        return f"{self.head}{quote(str(value), safe=self.SAFE)}{self.tail}"


_patterns = {}  # {(url name, keyword, language, script prefix, URLconf): AddressPattern}


def detail_path(url_name, kwarg, value):
    """``reverse(url_name, kwargs={kwarg: value})`` in the active language, from the address
    reversed once per language, script prefix (``SCRIPT_NAME``) and URLconf."""
    language = get_language()
    key = (url_name, kwarg, language, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = _patterns[key] = AddressPattern(url_name, kwarg, language)
    return pattern(value)
