"""Only superusers use the Django admin, and its meeting edits pass the workspace's version check."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from meetings.models import Meeting, SecurityEvent
from meetings.services import meeting_save
from tests import factories
from tests.staff_helpers import PASSWORD, arabic, fast_passwords, new_meeting_data, read_form, world  # noqa: F401
from tests.test_admin import admin_url, fill, form_data

CONFLICT = "Someone saved this meeting after you opened it. Nothing was saved: open the meeting again to see their changes, then make yours."


@pytest.fixture
def clerk(db):
    """Staff flag and every model permission of the app, but no organisation and no superuser flag."""
    user = factories.user("clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["meetings", "auth"]))
    return user


@pytest.fixture
def superuser(db):
    return factories.user("siteadmin", is_staff=True, is_superuser=True)


def test_a_staff_user_with_model_permissions_cannot_list_drafts_or_protected_names(client, world, clerk):
    draft = world.other_meeting(title_ar="مسودة منظمة أخرى")
    factories.participation(draft, factories.person("اسم مدافع محمي"))
    client.force_login(clerk)
    for model in ("meeting", "person", "participation", "membership"):
        response = client.get(reverse(f"admin:meetings_{model}_changelist"))
        assert response.status_code == 302, model
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("admin:meetings_meeting_change", args=[draft.pk]), follow=True)
    page = response.content.decode()
    assert "مسودة منظمة أخرى" not in page and "اسم مدافع محمي" not in page
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_login_refuses_staff_who_are_not_superusers(client, clerk):
    response = client.post(reverse("admin:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200
    message = arabic(
        "Only site administrators may use the administration. Staff of an organisation work in the workspace.", html=True
    )
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_organisations_administrator_cannot_use_the_admin(client, world):
    world.administrator.is_staff = True
    world.administrator.save()
    client.force_login(world.administrator)
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 302


def test_the_workspace_links_to_the_admin_only_for_superusers(client, world):
    client.force_login(world.administrator)
    assert reverse("admin:index") not in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(world.superuser)
    assert reverse("admin:index") in client.get(reverse("staff:dashboard")).content.decode()


def test_a_superuser_signs_in_to_the_admin(client, superuser):
    response = client.post(reverse("admin:login"), {"username": "siteadmin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 200


# --- Versions ------------------------------------------------------------------------


def _staff_save(meeting, by, **values):
    meeting = Meeting.objects.get(pk=meeting.pk)
    for name, value in values.items():
        setattr(meeting, name, value)
    return meeting_save(meeting=meeting, version=meeting.version, by=by)


def test_a_stale_admin_form_does_not_overwrite_a_newer_staff_edit(client, world, superuser):
    meeting = world.meeting(summary_ar="الملخص الأول")
    client.force_login(superuser)
    url = admin_url(Meeting, "change", meeting.pk)
    stale = form_data(client.get(url), Meeting)
    _staff_save(meeting, world.editor, summary_ar="ملخص المحرر الأحدث")

    response = client.post(url, fill(stale, summary_ar="ملخص المدير القديم"))

    assert response.status_code == 200
    assert arabic(CONFLICT, html=True) in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.summary_ar, meeting.version) == ("ملخص المحرر الأحدث", 2)
    assert meeting.history.count() == 2  # created + the editor's save, nothing from the refused form


def test_an_admin_save_is_a_new_version_in_the_history(client, world, superuser):
    meeting = world.meeting(summary_ar="قبل")
    client.force_login(superuser)
    url = admin_url(Meeting, "change", meeting.pk)
    assert client.post(url, fill(form_data(client.get(url), Meeting), summary_ar="بعد")).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.summary_ar, meeting.version, meeting.updated_by) == ("بعد", 2, superuser)
    latest = meeting.history.latest("history_date")
    assert (latest.summary_ar, latest.history_user, latest.version) == ("بعد", superuser, 2)


def test_a_staff_form_opened_before_an_admin_edit_meets_the_conflict_page(client, world, superuser):
    meeting = world.meeting(summary_ar="قبل")
    client.force_login(world.editor)
    edit = reverse("staff:meeting_edit", args=[meeting.pk])
    staff_form = read_form(client.get(edit))

    admin_client = client_class_copy(client)
    admin_client.force_login(superuser)
    url = admin_url(Meeting, "change", meeting.pk)
    admin_client.post(url, fill(form_data(admin_client.get(url), Meeting), summary_ar="تصحيح المدير"))

    staff_form["summary_ar"] = "نص المحرر"
    response = client.post(edit, staff_form)
    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).summary_ar == "تصحيح المدير"


def client_class_copy(client):
    return type(client)()


def test_an_admin_publication_is_in_the_security_log(client, superuser):
    draft = factories.meeting()
    client.force_login(superuser)
    client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "publish_meetings", "_selected_action": [draft.pk]},
        REMOTE_ADDR="198.51.100.44",
    )
    event = SecurityEvent.objects.get(action=SecurityEvent.Action.PUBLISHED)
    assert (event.user, event.ip_address) == (superuser, "198.51.100.44")
