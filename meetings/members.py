"""An organisation's administrators manage its members: invite, change roles, remove.

Each function is keyword-only, runs in one transaction and writes a line of
the security log. An organisation always keeps at least one administrator:
the last one can be neither demoted nor removed. The invitation link is
Django's password-reset token with its own salt and lifetime
(``SANAD_INVITATION_TIMEOUT``): it works once, since setting the password
changes what it was made from.
"""

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .models import Membership
from .models.security import SecurityEvent, record_security_event

Role = Membership.Role


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens under another salt (one cannot stand for the other) and with their own lifetime."""

    key_salt = "meetings.members.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.SANAD_INVITATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()


def _describe(membership):
    return f"{membership.user.get_username()} — {membership.organization} (#{membership.organization_id})"


def _refuse_if_last_administrator(membership):
    # The administrators' rows are locked (and read afresh): two administrators
    # demoting each other at once cannot leave the organisation with none.
    administrators = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMINISTRATOR)
        .values_list("pk", flat=True)
    )
    if administrators == [membership.pk]:
        raise ValidationError(
            _("An organisation needs at least one administrator: make someone else administrator first."),
            code="last_administrator",
        )


def _unique_username(email):
    User = get_user_model()
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(**{User.USERNAME_FIELD: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def member_invite(*, organization, email, role, by, request):
    """Make the person with ``email`` a member of ``organization`` in ``role`` and mail them.

    A new account is created when no account has this address; its owner sets
    the password through the link in the mail. Someone who already has an
    account is told they were added. Nothing is kept if the mail cannot be sent.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if created:
        user = User(**{User.USERNAME_FIELD: _unique_username(email.lower())}, email=email)
        user.set_unusable_password()
        user.save()
    elif not user.is_active:
        raise ValidationError(_("This account is disabled. Ask a site administrator."), code="inactive")
    elif Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(_("This person is already a member of the organisation."), code="member")
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    record_security_event(
        SecurityEvent.Action.MEMBER_INVITED,
        request=request,
        user=by,
        target=_describe(membership),
        detail=f"role={role} new_account={created}",
    )
    _send_invitation(membership, request=request, set_password=not user.has_usable_password())
    return membership


def _send_invitation(membership, *, request, set_password):
    user = membership.user
    context = {"membership": membership, "organization": membership.organization, "user": user, "set_password": set_password}
    if set_password:
        path = reverse(
            "staff:invitation_accept",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_token_generator.make_token(user)},
        )
        context["days"] = max(1, settings.SANAD_INVITATION_TIMEOUT // 86400)
    else:
        path = reverse("login")
    context["link"] = (settings.SITE_URL + path) if settings.SITE_URL else request.build_absolute_uri(path)
    subject = " ".join(render_to_string("meetings/staff/email/invitation_subject.txt", context).split())
    body = render_to_string("meetings/staff/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        raise ValidationError(
            _("The invitation could not be sent, so nobody was added. Try again later."), code="mail"
        ) from error


@transaction.atomic
def member_change_role(*, membership, role, by, request):
    """Give ``membership`` another role (never taking the organisation's last administrator away)."""
    old = membership.role
    if role == old:
        return membership
    if role != Role.ADMINISTRATOR:
        _refuse_if_last_administrator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    record_security_event(
        SecurityEvent.Action.ROLE_CHANGED, request=request, user=by, target=_describe(membership), detail=f"{old} → {role}"
    )
    return membership


@transaction.atomic
def member_remove(*, membership, by, request):
    """End ``membership`` (never the organisation's last administrator's). The account itself stays."""
    _refuse_if_last_administrator(membership)
    target = _describe(membership)
    role = membership.role
    membership.delete()
    record_security_event(SecurityEvent.Action.MEMBER_REMOVED, request=request, user=by, target=target, detail=f"role={role}")
