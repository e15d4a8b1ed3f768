"""An organisation's administrators manage its members in the workspace: invite, change roles, remove."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from meetings.models import Membership, SecurityEvent
from tests import factories
from tests.staff_helpers import arabic, fast_passwords, world  # noqa: F401

Role = Membership.Role
Action = SecurityEvent.Action
NEW_PASSWORD = "a-Fresh-password-for-Sanad-2024"


def logged_changes():
    """The security log without the sign-ins (force_login() signs in too)."""
    return SecurityEvent.objects.exclude(action=Action.LOGIN)


def members_url(organization):
    return reverse("staff:organization_members", args=[organization.slug])


def invite(client, organization, email, role=Role.EDITOR):
    return client.post(reverse("staff:member_invite", args=[organization.slug]), {"email": email, "role": role})


def invitation_link(message):
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def membership_of(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def test_the_administrator_sees_the_members_of_the_organisation(client, world):
    client.force_login(world.administrator)
    response = client.get(members_url(world.org))
    assert response.status_code == 200
    page = response.content.decode()
    for username in ("editor", "reviewer", "administrator"):
        assert username in page
    assert "other_editor" not in page


def test_the_dashboard_links_an_administrator_to_the_members_page(client, world):
    client.force_login(world.administrator)
    assert members_url(world.org) in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(world.reviewer)
    assert members_url(world.org) not in client.get(reverse("staff:dashboard")).content.decode()


@pytest.mark.parametrize("who", ["editor", "reviewer", "other_administrator", "other_editor"])
def test_only_the_organisations_administrators_reach_its_members(client, world, who):
    client.force_login(getattr(world, who))
    membership = membership_of(world.editor, world.org)
    assert client.get(members_url(world.org)).status_code == 404
    assert invite(client, world.org, "someone@example.org").status_code == 404
    change = reverse("staff:member_change_role", args=[world.org.slug, membership.pk])
    assert client.post(change, {"role": Role.ADMINISTRATOR}).status_code == 404
    assert client.post(reverse("staff:member_remove", args=[world.org.slug, membership.pk])).status_code == 404
    assert membership_of(world.editor, world.org).role == Role.EDITOR
    assert not mail.outbox
    assert not logged_changes().exists()


def test_a_membership_of_another_organisation_cannot_be_reached_through_ones_own(client, world):
    """The membership is looked up within the organisation of the address: another's answers 404."""
    client.force_login(world.administrator)
    foreign = membership_of(world.other_editor, world.other_org)
    url = reverse("staff:member_remove", args=[world.org.slug, foreign.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_an_invitation_creates_the_account_and_the_link_sets_the_password(client, world):
    client.force_login(world.administrator)
    response = invite(client, world.org, "New.Member@Example.org", Role.REVIEWER)
    assert response.status_code == 302
    user = get_user_model().objects.get(email__iexact="new.member@example.org")
    assert not user.has_usable_password()
    assert membership_of(user, world.org).role == Role.REVIEWER
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["New.Member@example.org"]
    assert world.org.name in message.subject
    event = SecurityEvent.objects.get(action=Action.MEMBER_INVITED)
    assert event.user == world.administrator and world.org.name in event.target

    link = invitation_link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_password_url = page.redirect_chain[-1][0]
    assert token not in set_password_url  # the token leaves the address bar at once
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:dashboard")
    assert client.get(reverse("staff:dashboard")).status_code == 200  # signed in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    accepted = SecurityEvent.objects.get(action=Action.INVITATION_ACCEPTED)
    assert accepted.user == user
    # Nothing secret in the log.
    for row in SecurityEvent.objects.values_list("target", "detail", "user_agent"):
        assert not any(token in value or NEW_PASSWORD in value for value in row)


def test_an_invitation_link_works_once(client, world):
    client.force_login(world.administrator)
    invite(client, world.org, "once@example.org")
    link = invitation_link(mail.outbox[0])
    client.logout()
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link, follow=True)
    assert arabic("This invitation no longer works", html=True) in again.content.decode()


def test_an_old_invitation_link_no_longer_works(client, world, settings):
    client.force_login(world.administrator)
    invite(client, world.org, "late@example.org")
    link = invitation_link(mail.outbox[0])
    settings.SANAD_INVITATION_TIMEOUT = -1
    client.logout()
    page = client.get(link, follow=True)
    assert arabic("This invitation no longer works", html=True) in page.content.decode()


def test_a_password_reset_token_is_not_an_invitation(client, world):
    user = factories.user("pending")
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("staff:invitation_accept", args=[uid, default_token_generator.make_token(user)])
    page = client.get(url, follow=True)
    assert arabic("This invitation no longer works", html=True) in page.content.decode()


def test_inviting_someone_who_has_an_account_adds_them_and_says_so(client, world):
    world.other_editor.email = "other@example.org"
    world.other_editor.save()
    users = get_user_model().objects.count()
    client.force_login(world.administrator)
    assert invite(client, world.org, "OTHER@example.org").status_code == 302
    assert get_user_model().objects.count() == users
    assert membership_of(world.other_editor, world.org).role == Role.EDITOR
    body = mail.outbox[0].body
    assert reverse("login") in body and "invitation" not in body
    world.other_editor.refresh_from_db()
    assert world.other_editor.check_password("pass-Sanad-2022")  # the password is theirs, untouched


def test_inviting_a_member_again_is_refused(client, world):
    world.editor.email = "editor@example.org"
    world.editor.save()
    client.force_login(world.administrator)
    response = invite(client, world.org, "editor@example.org", Role.ADMINISTRATOR)
    assert response.status_code == 400
    assert arabic("This person is already a member of the organisation.", html=True) in response.content.decode()
    assert membership_of(world.editor, world.org).role == Role.EDITOR
    assert not mail.outbox


def test_an_invalid_address_is_refused_with_a_message(client, world):
    client.force_login(world.administrator)
    response = invite(client, world.org, "not an address")
    assert response.status_code == 400
    assert not mail.outbox and not logged_changes().exists()


def test_nothing_is_kept_when_the_invitation_cannot_be_sent(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    client.force_login(world.administrator)
    response = invite(client, world.org, "unlucky@example.org")
    assert response.status_code == 400
    assert arabic("The invitation could not be sent, so nobody was added. Try again later.", html=True) in (
        response.content.decode()
    )
    assert not get_user_model().objects.filter(email="unlucky@example.org").exists()
    assert not logged_changes().exists()


def test_the_administrator_changes_a_role(client, world):
    client.force_login(world.administrator)
    membership = membership_of(world.editor, world.org)
    url = reverse("staff:member_change_role", args=[world.org.slug, membership.pk])
    assert client.post(url, {"role": Role.REVIEWER}).status_code == 302
    assert membership_of(world.editor, world.org).role == Role.REVIEWER
    event = SecurityEvent.objects.get(action=Action.ROLE_CHANGED)
    assert (event.user, event.detail) == (world.administrator, "editor → reviewer")


def test_an_unknown_role_is_refused(client, world):
    client.force_login(world.administrator)
    membership = membership_of(world.editor, world.org)
    url = reverse("staff:member_change_role", args=[world.org.slug, membership.pk])
    client.post(url, {"role": "owner"})
    assert membership_of(world.editor, world.org).role == Role.EDITOR


def test_the_last_administrator_cannot_be_demoted_or_removed(client, world):
    client.force_login(world.administrator)
    own = membership_of(world.administrator, world.org)
    response = client.post(
        reverse("staff:member_change_role", args=[world.org.slug, own.pk]), {"role": Role.EDITOR}, follow=True
    )
    message = arabic("An organisation needs at least one administrator: make someone else administrator first.", html=True)
    assert message in response.content.decode()
    response = client.post(reverse("staff:member_remove", args=[world.org.slug, own.pk]), follow=True)
    assert message in response.content.decode()
    assert membership_of(world.administrator, world.org).role == Role.ADMINISTRATOR
    assert not logged_changes().exists()


def test_an_administrator_may_step_down_once_there_is_another(client, world):
    client.force_login(world.administrator)
    membership_of(world.reviewer, world.org).__class__.objects.filter(user=world.reviewer).update(role=Role.ADMINISTRATOR)
    own = membership_of(world.administrator, world.org)
    client.post(reverse("staff:member_change_role", args=[world.org.slug, own.pk]), {"role": Role.EDITOR})
    assert membership_of(world.administrator, world.org).role == Role.EDITOR


def test_the_administrator_removes_a_member(client, world):
    client.force_login(world.administrator)
    membership = membership_of(world.editor, world.org)
    assert client.post(reverse("staff:member_remove", args=[world.org.slug, membership.pk])).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert get_user_model().objects.filter(pk=world.editor.pk).exists()  # the account stays
    event = SecurityEvent.objects.get(action=Action.MEMBER_REMOVED)
    assert event.user == world.administrator and "editor" in event.target
    # The removed editor no longer reaches the organisation's meetings.
    meeting = world.meeting()
    client.force_login(world.editor)
    assert client.get(reverse("staff:meeting_detail", args=[meeting.pk])).status_code == 403


def test_a_superuser_manages_any_organisations_members(client, world):
    client.force_login(world.superuser)
    assert client.get(members_url(world.other_org)).status_code == 200
