"""The client's address, honouring ``settings.TRUSTED_PROXY_COUNT``.

With no trusted proxy (the default) the connection's address (``REMOTE_ADDR``) is the
client, and ``X-Forwarded-For`` — which anyone can send — is ignored. Behind N proxies
that each append the address they received the request from, the client is the N-th
address from the right of ``X-Forwarded-For``: entries further left were written by the
client itself and cannot be trusted.
"""

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through all of them.
        return forwarded[0] if forwarded else remote
    return forwarded[-count]
