"""The security log: sign-ins, failed sign-ins, publications, membership changes and admin deletions —
who, when and from where — readable by superusers only, and never holding a password."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from meetings.models import Membership, Organization, SecurityEvent
from meetings.models.security import record_security_event
from sanad.clientip import client_ip
from tests import factories
from tests.test_admin import fill, form_data
from tests.staff_helpers import PASSWORD, fast_passwords, world  # noqa: F401

Action = SecurityEvent.Action
WRONG_PASSWORD = "Wrong-Secret-Password-77"


@pytest.fixture
def superuser(db):
    return factories.user("root", is_staff=True, is_superuser=True)


def request_from(remote="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- The client's address ----------------------------------------------------------


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(forwarded="203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # the client's own claim, left of the proxy's, is ignored
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "10.0.0.2", "198.51.100.7"),  # fewer hops than proxies: not through them all
        (1, "not-an-address", "198.51.100.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_that_many_hops_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(forwarded=forwarded)) == expected


# --- Sign-ins ----------------------------------------------------------------------


def test_a_sign_in_is_logged_with_address_and_browser(client, world):
    client.post(
        reverse("login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
    )
    event = SecurityEvent.objects.get(action=Action.LOGIN)
    assert (event.user, event.username, event.ip_address) == (world.editor, "editor", "198.51.100.20")
    assert event.user_agent.startswith("Mozilla/5.0") and len(event.user_agent) == 250


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_failed_sign_in_is_logged_without_the_password(client, world, url_name):
    response = client.post(reverse(url_name), {"username": "editor", "password": WRONG_PASSWORD})
    assert response.status_code == 200
    event = SecurityEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (event.target, event.user, event.ip_address) == ("editor", None, "127.0.0.1")
    for value in SecurityEvent.objects.values_list("username", "target", "detail", "user_agent"):
        assert WRONG_PASSWORD not in "".join(value)


# --- Publication ----------------------------------------------------------------


def test_publishing_and_unpublishing_are_logged(client, world):
    meeting = world.meeting(status="review", title_ar="لقاء للنشر")
    client.force_login(world.reviewer)
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]), REMOTE_ADDR="198.51.100.30")
    client.post(reverse("staff:meeting_unpublish", args=[meeting.pk]), REMOTE_ADDR="198.51.100.31")
    published = SecurityEvent.objects.get(action=Action.PUBLISHED)
    assert (published.user, published.ip_address) == (world.reviewer, "198.51.100.30")
    assert "لقاء للنشر" in published.target
    assert SecurityEvent.objects.get(action=Action.UNPUBLISHED).ip_address == "198.51.100.31"


def test_a_refused_publication_logs_nothing(world):
    meeting = world.meeting()
    with pytest.raises(Exception):
        meeting.publish(by=world.editor)
    assert not SecurityEvent.objects.filter(action=Action.PUBLISHED).exists()


# --- The admin ---------------------------------------------------------------------


def test_an_admin_deletion_is_logged(client, superuser):
    person = factories.person("شخص يحذف")
    client.force_login(superuser)
    url = reverse("admin:meetings_person_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = SecurityEvent.objects.get(action=Action.ADMIN_DELETION)
    assert event.user == superuser and "شخص يحذف" in event.target
    assert LogEntry.objects.filter(object_id=str(person.pk)).exists()  # the admin's own log is kept too


def test_a_bulk_admin_deletion_logs_each_object(client, superuser):
    tags = [factories.tag(), factories.tag()]
    client.force_login(superuser)
    client.post(
        reverse("admin:meetings_tag_changelist"),
        {"action": "delete_selected", "_selected_action": [tag.pk for tag in tags], "post": "yes"},
    )
    assert SecurityEvent.objects.filter(action=Action.ADMIN_DELETION).count() == 2


def test_deleting_an_account_in_the_admin_is_logged(client, superuser):
    victim = factories.user("departed")
    client.force_login(superuser)
    client.post(reverse("admin:auth_user_delete", args=[victim.pk]), {"post": "yes"})
    assert "departed" in SecurityEvent.objects.get(action=Action.ADMIN_DELETION).target


def test_membership_edits_in_the_admin_are_logged(client, superuser):
    organization, user = factories.organization(), factories.user("newcomer")
    client.force_login(superuser)
    client.post(
        reverse("admin:meetings_membership_add"),
        {"user": user.pk, "organization": organization.pk, "role": Membership.Role.EDITOR},
    )
    membership = Membership.objects.get(user=user)
    assert SecurityEvent.objects.get(action=Action.MEMBER_ADDED).user == superuser
    client.post(
        reverse("admin:meetings_membership_change", args=[membership.pk]),
        {"user": user.pk, "organization": organization.pk, "role": Membership.Role.ADMINISTRATOR},
    )
    assert SecurityEvent.objects.get(action=Action.ROLE_CHANGED).detail == "editor → administrator (admin)"
    client.post(reverse("admin:meetings_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert SecurityEvent.objects.filter(action=Action.MEMBER_REMOVED).exists()


def test_membership_edits_on_the_organisation_page_are_logged(client, superuser):
    organization, user = factories.organization(), factories.user("inline")
    client.force_login(superuser)
    url = reverse("admin:meetings_organization_change", args=[organization.pk])
    page = client.get(url)
    data = form_data(page, Organization)
    prefix = next(name for name in data if name.endswith("-TOTAL_FORMS") and "membership" in name).split("-")[0]
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": ["1"],
            f"{prefix}-0-user": [str(user.pk)],
            f"{prefix}-0-role": [Membership.Role.REVIEWER],
            f"{prefix}-0-organization": [str(organization.pk)],
        }
    )
    assert client.post(url, fill(data)).status_code == 302
    assert Membership.objects.get(user=user).role == Membership.Role.REVIEWER
    assert "inline" in SecurityEvent.objects.get(action=Action.MEMBER_ADDED).target


def test_the_log_is_read_only_for_superusers(client, superuser):
    event = record_security_event(Action.LOGIN_FAILED, request=request_from(), target="someone")
    client.force_login(superuser)
    changelist = reverse("admin:meetings_securityevent_changelist")
    response = client.get(changelist, {"action": Action.LOGIN_FAILED})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [event]
    assert client.get(reverse("admin:meetings_securityevent_add")).status_code == 403
    assert client.post(reverse("admin:meetings_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_the_superuser_flag_cannot_read_the_log(client, db):
    clerk = factories.user("clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(content_type__model="securityevent"))
    client.force_login(clerk)
    response = client.get(reverse("admin:meetings_securityevent_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_record_security_event_cuts_long_values(db):
    event = record_security_event("custom_action", target="ه" * 400, detail="d")
    assert len(event.target) == 250 and event.ip_address is None and event.user is None
    assert event.get_action_display() == "custom_action"
