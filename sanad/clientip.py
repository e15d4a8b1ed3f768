"""The address of the client that sent a request, behind zero or more trusted proxies.

``REMOTE_ADDR`` is the peer that opened the connection. Behind reverse proxies
that is the last proxy; each proxy appends the address it received the request
from to ``X-Forwarded-For``. With ``TRUSTED_PROXY_COUNT = n`` (environment
variable of the same name) the client is the address ``n`` hops from the right
of that header: anything further left was written by the client itself and
cannot be trusted. With 0 (the default) the header is ignored.

Anything else that needs the client's address (the login lockout) should read
the same setting, so that it and the security log agree on who the client is.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address as a string, or None if the request carries no valid one."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer hops than trusted proxies: the request did not come through them all.
        return remote
    return _valid(hops[-count]) or remote
