"""An organisation's members, managed by its administrators, under /staff/organizations/<slug>/members/.

The organisation comes from ``organizations_administered_by(request.user)``:
for anyone who does not administer it the pages answer 404, as for a record
of another organisation. The writes are in meetings/members.py.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import members
from ..forms import MemberInviteForm, MemberRoleForm
from ..models import Membership
from ..models.security import SecurityEvent, record_security_event
from ..models.workspace import organizations_administered_by
from .staff import _render, staff_required


def _administered(request, slug):
    return get_object_or_404(organizations_administered_by(request.user), slug=slug)


def _members_page(request, organization, *, invite_form=None, status=200):
    memberships = organization.memberships.select_related("user").order_by("user__username")
    context = {
        "organization": organization,
        "memberships": memberships,
        "invite_form": invite_form or MemberInviteForm(),
        "roles": Membership.Role.choices,
        "workspace_section": "members",
    }
    return _render(request, "members.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@staff_required
def organization_members(request, slug):
    return _members_page(request, _administered(request, slug))


@require_POST
@staff_required
def member_invite(request, slug):
    organization = _administered(request, slug)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        try:
            membership = members.member_invite(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(email)s was invited: they receive an e-mail.") % {"email": membership.user.email}
            )
            return redirect("staff:organization_members", slug=organization.slug)
    return _members_page(request, organization, invite_form=form, status=400)


def _membership(organization, pk):
    return get_object_or_404(organization.memberships.select_related("user", "organization"), pk=pk)


@require_POST
@staff_required
def member_change_role(request, slug, pk):
    organization = _administered(request, slug)
    membership = _membership(organization, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
    else:
        try:
            members.member_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The role was changed."))
    return redirect("staff:organization_members", slug=organization.slug)


@require_POST
@staff_required
def member_remove(request, slug, pk):
    organization = _administered(request, slug)
    membership = _membership(organization, pk)
    try:
        members.member_remove(membership=membership, by=request.user, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The member was removed from the organisation."))
    return redirect("staff:organization_members", slug=organization.slug)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitee chooses a password, is signed in, and lands on the dashboard.

    Django's view keeps the token out of the address bar (it moves it to the
    session and redirects), so it leaks through neither the Referer header nor
    the server's access log after the first request.
    """

    token_generator = members.invitation_token_generator
    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("staff:dashboard")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        record_security_event(SecurityEvent.Action.INVITATION_ACCEPTED, request=self.request, user=form.user)
        messages.success(self.request, _("Welcome to Sanad. Your password is saved."))
        return response


invitation_accept = InvitationAcceptView.as_view()
