"""The look-ups behind the meeting form's searchable pickers (static/js/picker.js; meetings/pickers.py).

``GET ?q=<text>`` → ``{"results": [...]}``, for staff only (what they may choose
depends on who they are, so the answer is private and never cached).
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..pickers import organization_options, person_options
from .staff import staff_required


@never_cache
@require_safe
@staff_required
def pick_organizations(request):
    return JsonResponse({"results": organization_options(request.user, request.GET.get("q", ""))})


@never_cache
@require_safe
@staff_required
def pick_people(request):
    return JsonResponse({"results": person_options(request.user, request.GET.get("q", ""))})
