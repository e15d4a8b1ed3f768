"""Tracking parameters taken off every address before any view reads it.

Links shared on social networks and in newsletters come back with a parameter that only
says where the click came from: Facebook adds ``fbclid=…`` (a different value on every
click), newsletters and campaigns ``utm_source=…``, ads ``gclid=…``. No page of Sanad reads
them, but every page writes its own address into itself (the language switcher, the
``hreflang`` alternates, ``og:url``), and the page cache keys a page by its address. With
them left in, every reader who arrives from Facebook would get a page computed for them
alone, stored for no one, carrying their click's identifier in its links.

:class:`TrackingParametersMiddleware` removes them from the query string before the page
cache and the views see it: the reader gets the same page, the cached one, as a reader who
typed the address. The rest of the query string is kept byte for byte, in its order. The
access log still shows the address as it was asked for.
"""

from urllib.parse import unquote_plus

# Names as sent by the services that add them; any name starting with ``utm_`` too.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook, Instagram and Messenger links
        "igshid",  # Instagram shares
        "igsh",
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "_ga",  # Google Analytics cross-domain links
        "_gl",
        "msclkid",  # Microsoft Ads
        "twclid",  # X (Twitter) ads
        "ttclid",  # TikTok ads
        "li_fat_id",  # LinkedIn ads
        "yclid",  # Yandex ads
        "mc_cid",  # Mailchimp newsletters
        "mc_eid",
        "mkt_tok",  # Marketo newsletters
    }
)
TRACKING_PREFIXES = ("utm_",)


def is_tracking(name):
    name = unquote_plus(name).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def without_tracking(query_string):
    """``query_string`` without its tracking parameters; everything else exactly as it was."""
    pieces = query_string.split("&")
    kept = [piece for piece in pieces if not is_tracking(piece.partition("=")[0])]
    return query_string if len(kept) == len(pieces) else "&".join(kept)


class TrackingParametersMiddleware:
    """Placed before the page cache: see the module's text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_string = request.META.get("QUERY_STRING", "")
        if query_string:
            cleaned = without_tracking(query_string)
            if cleaned != query_string:
                request.META["QUERY_STRING"] = cleaned
                # request.GET is parsed from it on first use; nothing has read it yet.
                request.__dict__.pop("GET", None)
        return self.get_response(request)
