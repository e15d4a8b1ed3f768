"""Nothing is lost: every change is versioned, in every language, with who made it,
and an administrator can bring an earlier version back."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from meetings.history import field_label, meeting_changes
from meetings.models import Meeting, MeetingEvent, Organization, Participation, Person, Recommendation
from meetings.services import meeting_restore, meeting_save
from tests import factories
from tests.staff_helpers import entry_url, fast_passwords, read_form, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _save(meeting, by, **changes):
    """Edit the meeting as the staff form does."""
    for name, value in changes.items():
        setattr(meeting, name, value)
    return meeting_save(meeting=meeting, version=meeting.version, by=by, tags=[t.name for t in meeting.tags.all()])


def test_every_language_field_is_recorded(world):
    fields = {f.name for f in Meeting.history.model._meta.fields}
    for name in ("title", "city", "venue", "summary", "minutes"):
        assert {f"{name}_ar", f"{name}_en"} <= fields
    for model, names in [
        (Recommendation, {"text_ar", "text_en"}),
        (Participation, {"statement_ar", "statement_en"}),
        (Person, {"name_ar", "name_en"}),
        (Organization, {"name_ar", "name_en", "acronym_ar", "acronym_en", "description_ar", "description_en"}),
    ]:
        assert names <= {f.name for f in model.history.model._meta.fields}, model


def test_a_save_records_both_languages_and_who_saved(world):
    meeting = world.meeting(title_ar="العنوان", title_en="The title")
    _save(meeting, world.editor, title_en="The corrected title")
    latest = meeting.history.latest("history_date")
    assert (latest.title_ar, latest.title_en, latest.history_user) == ("العنوان", "The corrected title", world.editor)
    previous = latest.prev_record
    assert (previous.title_ar, previous.title_en) == ("العنوان", "The title")


def test_one_save_is_one_version_including_the_tags(world):
    meeting = world.meeting()
    before = meeting.history.count()
    meeting_save(meeting=meeting, version=1, tags=["مأرب", "اليمن"], by=world.editor)
    assert meeting.history.count() == before + 1
    latest = meeting.history.latest("history_date")
    assert sorted(row.tag.name for row in latest.tags.all()) == ["اليمن", "مأرب"]


def test_recommendations_participations_people_and_organisations_are_versioned(client, world):
    client.force_login(world.editor)
    meeting = world.meeting()
    data = read_form(client.get(entry_url(meeting)))
    data.update(
        {
            "organizations-1-new_organization": "منظمة جديدة",
            "organizations-1-role": "partner",
            "participants-0-new_person_name": "شخص جديد",
            "participants-0-new_position_title": "مدير",
            "recommendations-0-text_ar": "توصية",
            "recommendations-0-text_en": "A recommendation",
        }
    )
    assert client.post(entry_url(meeting), data).status_code == 302
    for model in (Recommendation, Participation, Person, Organization):
        record = model.history.latest("history_date")
        assert record.history_user == world.editor, model
        assert record.history_type == "+", model
    assert Recommendation.history.latest("history_date").text_en == "A recommendation"


def test_state_changes_are_versions_too(world):
    meeting = world.meeting(status="review")
    meeting.publish(by=world.reviewer)
    latest = meeting.history.latest("history_date")
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "published",
        world.reviewer,
        MeetingEvent.Action.PUBLISHED,
    )


def test_the_history_page_shows_who_changed_what(client, world):
    meeting = world.meeting(title_ar="العنوان القديم")
    _save(meeting, world.editor, title_ar="العنوان الجديد", minutes_en="Minutes in English")
    client.force_login(world.reviewer)
    response = client.get(reverse("staff:meeting_history", args=[meeting.pk]))
    assert response.status_code == 200
    newest = response.context["entries"][0]
    assert newest.user == world.editor
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    title_label = field_label(Meeting, Meeting._meta.get_field("title_ar"))
    assert changes[title_label] == ("العنوان القديم", "العنوان الجديد")
    assert ("—", "Minutes in English") in changes.values()
    page = response.content.decode()
    assert "العنوان القديم" in page and "العنوان الجديد" in page and "editor" in page


def test_the_history_page_makes_a_fixed_number_of_queries(client, world):
    counts = []
    for size in (1, 5):
        meeting = world.meeting()
        for n in range(size):
            meeting = Meeting.objects.get(pk=meeting.pk)
            meeting.title_ar = f"عنوان {n}"
            meeting_save(meeting=meeting, version=meeting.version, tags=[f"وسم{n}"], by=world.editor)
            recommendation = factories.recommendation(meeting)
            recommendation.addressees.add(world.org)
            factories.participation(meeting, factories.person())
        client.force_login(world.editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff:meeting_history", args=[meeting.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_administrator_restores_an_earlier_version(client, world):
    meeting = world.meeting(title_ar="العنوان الأصلي", title_en="Original title", minutes_ar="المحضر الأصلي")
    meeting_save(meeting=meeting, version=1, tags=["الأصل"], by=world.editor)
    original = meeting.history.latest("history_date")
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.title_ar, meeting.title_en, meeting.minutes_ar = "عنوان خاطئ", "Wrong title", "محضر خاطئ"
    meeting_save(meeting=meeting, version=2, tags=["خطأ"], by=world.editor)
    meeting.submit_for_review(by=world.editor)
    versions_before = meeting.history.count()

    client.force_login(world.administrator)
    response = client.post(reverse("staff:meeting_restore", args=[meeting.pk, original.history_id]))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.title_en, meeting.minutes_ar) == ("العنوان الأصلي", "Original title", "المحضر الأصلي")
    assert [tag.name for tag in meeting.tags.all()] == ["الأصل"]
    assert meeting.status == "review"  # the workflow is not rolled back
    assert meeting.version == 4
    assert meeting.history.count() == versions_before + 1
    restored = meeting.history.latest("history_date")
    assert restored.history_user == world.administrator
    assert restored.history_change_reason == MeetingEvent.Action.RESTORED
    event = meeting.events.first()
    assert (event.action, event.by) == (MeetingEvent.Action.RESTORED, world.administrator)


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_only_an_administrator_restores(client, world, who):
    meeting = world.meeting(title_ar="الأصل")
    original = meeting.history.earliest("history_date")
    _save(meeting, world.editor, title_ar="الجديد")
    client.force_login(getattr(world, who))
    assert client.post(reverse("staff:meeting_restore", args=[meeting.pk, original.history_id])).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).title_ar == "الجديد"


def test_a_version_of_another_meeting_cannot_be_restored_onto_this_one(client, world):
    meeting, other = world.meeting(title_ar="هذا"), world.meeting(title_ar="ذاك")
    client.force_login(world.superuser)
    foreign = other.history.earliest("history_date")
    assert client.post(reverse("staff:meeting_restore", args=[meeting.pk, foreign.history_id])).status_code == 404
    with pytest.raises(ValidationError):
        meeting_restore(meeting=meeting, record=foreign, by=world.superuser)
    assert Meeting.objects.get(pk=meeting.pk).title_ar == "هذا"


def test_changes_of_the_meetings_rows_appear_in_its_history(world):
    meeting = world.meeting()
    recommendation = factories.recommendation(meeting, text_ar="قبل")
    recommendation.text_ar = "بعد"
    recommendation.save()
    entries = meeting_changes(meeting)
    edit = next(e for e in entries if e.action == "~" and e.object_label == "بعد")
    assert [(c.old, c.new) for c in edit.changes] == [("قبل", "بعد")]


def test_a_field_going_from_null_to_empty_is_not_a_change(world):
    meeting = world.meeting(title_ar="لقاء")
    Meeting.objects.filter(pk=meeting.pk).update(minutes_en=None)
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.minutes_en = ""
    _save(meeting, world.editor, title_ar="لقاء معدل")
    labels = [change.label for change in meeting_changes(meeting)[0].changes]
    assert labels == [field_label(Meeting, Meeting._meta.get_field("title_ar"))]


def test_the_restore_service_refuses_anyone_but_an_administrator(world):
    meeting = world.meeting(title_ar="الأصل")
    original = meeting.history.earliest("history_date")
    _save(meeting, world.editor, title_ar="الجديد")
    with pytest.raises(PermissionDenied):
        meeting_restore(meeting=meeting, record=original, by=world.reviewer)
