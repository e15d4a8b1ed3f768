"""``staff:welcome``: a superuser's first run (meetings/onboarding.py).

Superusers only (anyone else in the workspace gets 404, as for a page that is not
theirs). GET shows the steps and the organisations already there; POST creates an
organisation and goes on to its members page, where its first administrator is invited.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..models import Organization
from ..models.workspace import is_site_administrator
from ..onboarding import FirstOrganizationForm, organization_first_create
from .staff import _render, staff_required

LISTED = 20


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def welcome(request):
    if not is_site_administrator(request.user):
        raise Http404
    form = FirstOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organization_first_create(form=form, by=request.user)
        messages.success(
            request,
            _("%(name)s was created. Now invite its first administrator: they will invite the rest of the team.")
            % {"name": organization},
        )
        return redirect("staff:organization_members", slug=organization.slug)
    organizations = Organization.objects.confirmed().order_by("name_ar", "pk")
    context = {
        "form": form,
        "organizations": organizations[:LISTED],
        "organization_count": organizations.count(),
        "workspace_section": "welcome",
    }
    return _render(request, "welcome.html", context)
