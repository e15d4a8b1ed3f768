"""Content-Security-Policy for every response.

Sanad's pages load nothing from other hosts and carry no inline script or
style, so the policy can be strict: an injected ``<script>`` or ``style=``
(say, through a minutes field that escaped escaping) simply does not run, and
no page can be framed by another site.
"""

import re

from django.conf import settings

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

# The Django admin itself, modeltranslation's tabs and the date widgets run
# clean under the strict policy (checked in Chromium), but django-simple-history's
# history page carries a style="" attribute (object_history_list.html). For the
# admin only — behind a login, showing no untrusted HTML — inline styles are
# allowed; scripts stay 'self' everywhere.
ADMIN_POLICY = {**POLICY, "style-src": ["'self'", "'unsafe-inline'"]}


def _header(policy):
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


HEADER = _header(POLICY)
ADMIN_HEADER = _header(ADMIN_POLICY)


def _admin_path_pattern():
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{languages})/)?admin/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_path = _admin_path_pattern()

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_admin = self.admin_path.match(request.path_info)
            response["Content-Security-Policy"] = ADMIN_HEADER if is_admin else HEADER
        return response
