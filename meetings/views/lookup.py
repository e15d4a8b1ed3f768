"""The organisation look-up behind the filter forms' autocomplete (static/js/lookup.js).

``GET ?q=<text>`` → ``{"results": [{"value": ..., "label": ...}]}``: up to ten published
organisations (see meetings/lookup.py). Public and the same for everyone, so it may be
cached for a few minutes; at most two queries, whatever is typed.
"""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ..lookup import organization_suggestions


@require_safe
@cache_control(public=True, max_age=300)
def organization_lookup(request):
    results = organization_suggestions(request.GET.get("q", ""))
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
