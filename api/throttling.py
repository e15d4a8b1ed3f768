"""The rate limit of anonymous clients: ``API_RATE_LIMIT`` requests per client address
(``120/minute`` by default), counted in the configured cache (Redis when ``REDIS_URL``
is set, so that every worker counts together). 429 with ``Retry-After`` beyond it."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from sanad.clientip import client_ip


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anonymous"
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        # Read at each request, not at import: a deployment (or a test) sets it in settings.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        # The same client address as the login lockout and the security log (TRUSTED_PROXY_COUNT).
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}

    def allow_request(self, request, view):
        # A rate is read once per instance; re-read it so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
