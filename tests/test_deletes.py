"""An organisation or a person that a published record refers to cannot be deleted (in
code or in the admin: a refusal page, not a 500); follow-up updates and attachments keep
their history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from meetings.models import Organization, Person, Recommendation
from meetings.services import attachment_add, attachment_delete
from tests import factories
from tests.staff_helpers import arabic, fast_passwords, media_root, pdf_bytes, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords", "media_root")

REFUSAL = (
    "“%(name)s” cannot be deleted: published records refer to it (%(records)s). Deleting it would change "
    "what has been published. Archive it or merge it into the right record instead."
)


def _refusal_start(name):
    return arabic(REFUSAL).split("%(records)s")[0] % {"name": name, "records": ""}


def _addressee_of_published_recommendation():
    addressee = factories.organization("وزارة الداخلية")
    recommendation = factories.recommendation(factories.meeting())
    recommendation.addressees.add(addressee)
    recommendation.meeting.publish()
    return addressee, recommendation


def test_an_organisation_only_addressed_by_a_published_recommendation_cannot_be_deleted(db):
    addressee, recommendation = _addressee_of_published_recommendation()
    with pytest.raises(ProtectedError) as refusal:
        addressee.delete()
    assert "وزارة الداخلية" in str(refusal.value.args[0])
    assert list(recommendation.addressees.all()) == [addressee]
    with pytest.raises(ProtectedError):
        Organization.objects.filter(pk=addressee.pk).delete()
    assert Organization.objects.filter(pk=addressee.pk).exists()


def test_an_organisation_only_funding_a_project_with_a_published_meeting_cannot_be_deleted(db):
    donor = factories.organization("جهة مانحة")
    implementer = factories.organization("جهة منفذة")
    project = factories.project()
    project.donors.add(donor)
    project.implementers.add(implementer)
    factories.meeting(project=project, published=True)
    for organization in (donor, implementer):
        with pytest.raises(ProtectedError):
            organization.delete()
    assert set(project.donors.all()) == {donor} and set(project.implementers.all()) == {implementer}


def test_an_organisation_referred_to_by_drafts_only_can_still_be_deleted(db):
    addressee = factories.organization()
    factories.recommendation(factories.meeting()).addressees.add(addressee)
    donor = factories.organization()
    project = factories.project()
    project.donors.add(donor)
    factories.meeting(project=project)  # a draft
    addressee.delete()
    donor.delete()
    assert not Organization.objects.filter(pk__in=[addressee.pk, donor.pk]).exists()


def test_the_admin_refuses_the_delete_with_a_page_not_an_error(client, world):
    addressee, _recommendation = _addressee_of_published_recommendation()
    client.force_login(world.superuser)
    url = reverse("admin:meetings_organization_delete", args=[addressee.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    content = response.content.decode()
    assert _refusal_start("وزارة الداخلية") in content
    assert Organization.objects.filter(pk=addressee.pk).exists()
    # The bulk action too.
    response = client.post(
        reverse("admin:meetings_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [addressee.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert _refusal_start("وزارة الداخلية") in response.content.decode()
    assert Organization.objects.filter(pk=addressee.pk).exists()


def test_the_admin_refuses_to_delete_a_participant_of_a_published_meeting(client, world):
    speaker = factories.person("متحدث عام", public=True)
    factories.participation(factories.meeting(published=True), speaker)
    client.force_login(world.superuser)
    response = client.post(reverse("admin:meetings_person_delete", args=[speaker.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert _refusal_start("متحدث عام") in response.content.decode()
    assert Person.objects.filter(pk=speaker.pk).exists()


# --- History ---------------------------------------------------------------------------


def test_follow_up_updates_keep_their_history(world):
    recommendation = factories.recommendation(world.meeting(published=True))
    update = recommendation.set_status(Recommendation.Status.IN_PROGRESS, progress=30, note="بدأ العمل", by=world.editor)
    update.note_ar = "بدأ العمل فعلاً"
    update.save()
    pk = update.pk
    update.delete()
    records = list(type(update).history.filter(id=pk).order_by("history_date", "history_id"))
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert [record.note_ar for record in records[:2]] == ["بدأ العمل", "بدأ العمل فعلاً"]


def test_attachments_keep_their_history(world):
    attachment = attachment_add(
        meeting=world.meeting(), file=SimpleUploadedFile("a.pdf", pdf_bytes()), kind="minutes", title="محضر", by=world.editor
    )
    attachment.is_public = True
    attachment.save()
    pk = attachment.pk
    attachment_delete(attachment=attachment)
    records = list(type(attachment).history.filter(id=pk).order_by("history_date", "history_id"))
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert [record.is_public for record in records] == [False, True, True]
    assert records[0].title == "محضر"
