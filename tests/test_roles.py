"""Roles belong to their organisation: an administrator of one organisation has no power over another's records."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Attachment, Meeting, Organization, Person, Project, Recommendation, TransitionNotAllowed
from meetings.models.workspace import role_on_meeting
from meetings.services import attachment_add, meeting_restore
from tests import factories
from tests.staff_helpers import fast_passwords, media_root, pdf_bytes, world  # noqa: F401


@pytest.fixture
def foreign_draft(world, media_root):  # noqa: F811
    """A draft of our organisation with a protected participant and an attachment."""
    meeting = world.meeting(title_ar="مسودة لا يراها غيرنا")
    factories.participation(meeting, factories.person("اسم محمي"))
    attachment_add(
        meeting=meeting,
        file=SimpleUploadedFile("minutes.pdf", pdf_bytes(), content_type="application/pdf"),
        kind=Attachment.Kind.MINUTES,
        title="المحضر",
        by=None,
    )
    return meeting


def test_another_organisations_administrator_cannot_open_a_draft(client, world, foreign_draft):
    client.force_login(world.other_administrator)
    assert client.get(reverse("staff:meeting_detail", args=[foreign_draft.pk])).status_code == 404


def test_another_organisations_administrator_cannot_publish_a_draft(client, world, foreign_draft):
    client.force_login(world.other_administrator)
    response = client.post(reverse("staff:meeting_publish", args=[foreign_draft.pk]))
    assert response.status_code == 404
    foreign_draft.refresh_from_db()
    assert (foreign_draft.status, foreign_draft.published_at) == (Meeting.Status.DRAFT, None)
    assert not foreign_draft.events.exists()


def test_the_organisations_own_administrator_may_publish_its_draft(client, world, foreign_draft):
    client.force_login(world.administrator)
    assert client.post(reverse("staff:meeting_publish", args=[foreign_draft.pk])).status_code == 302
    assert Meeting.objects.get(pk=foreign_draft.pk).status == Meeting.Status.PUBLISHED


def test_the_workflow_refuses_another_organisations_administrator(world, foreign_draft):
    assert role_on_meeting(world.other_administrator, foreign_draft) is None
    with pytest.raises(TransitionNotAllowed):
        foreign_draft.publish(by=world.other_administrator)
    assert Meeting.objects.get(pk=foreign_draft.pk).status == Meeting.Status.DRAFT


def test_every_staff_queryset_is_scoped_to_the_administrators_organisation(world, foreign_draft):
    other = world.other_administrator
    recommendation = factories.recommendation(foreign_draft)
    protected = foreign_draft.participations.get().person
    project = factories.project()
    foreign_draft.project = project
    foreign_draft.save()
    hidden_org = factories.organization("منظمة لا تظهر إلا في المسودة")
    factories.involvement(foreign_draft, hidden_org, role="partner")

    assert not Meeting.objects.for_user(other).filter(pk=foreign_draft.pk).exists()
    assert not Recommendation.objects.followable_by(other).filter(pk=recommendation.pk).exists()
    assert not Attachment.objects.for_user(other).filter(meeting=foreign_draft).exists()
    assert not Person.objects.usable_by(other).filter(pk=protected.pk).exists()
    assert not Organization.objects.usable_by(other).filter(pk=hidden_org.pk).exists()
    assert not Project.objects.usable_by(other).filter(pk=project.pk).exists()
    # The superuser keeps site-wide sight.
    assert Meeting.objects.for_user(world.superuser).filter(pk=foreign_draft.pk).exists()


@pytest.mark.parametrize(
    "url_name",
    ["staff:dashboard", "staff:meeting_list"],
)
def test_lists_do_not_show_another_organisations_meetings_to_an_administrator(client, world, foreign_draft, url_name):
    client.force_login(world.other_administrator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "مسودة لا يراها غيرنا" not in response.content.decode()


def test_another_organisations_administrator_cannot_restore(client, world, foreign_draft):
    original = foreign_draft.history.earliest("history_date")
    client.force_login(world.other_administrator)
    response = client.post(reverse("staff:meeting_restore", args=[foreign_draft.pk, original.history_id]))
    assert response.status_code == 404
    with pytest.raises(Exception):
        meeting_restore(meeting=foreign_draft, record=original, by=world.other_administrator)


def test_an_administrator_cannot_open_the_history_or_attachment_of_another_organisation(client, world, foreign_draft):
    client.force_login(world.other_administrator)
    assert client.get(reverse("staff:meeting_history", args=[foreign_draft.pk])).status_code == 404
    attachment = foreign_draft.attachments.get()
    assert client.get(reverse("staff:attachment", args=[attachment.key])).status_code == 404


def test_an_administrator_cannot_follow_up_another_organisations_draft_recommendation(client, world, foreign_draft):
    recommendation = factories.recommendation(foreign_draft)
    client.force_login(world.other_administrator)
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    assert client.get(url).status_code == 404
