"""A meeting's way from draft to the public site: who may move it, and what is recorded."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Meeting, MeetingEvent, TransitionNotAllowed
from meetings.services import MeetingLocked, meeting_save
from tests import factories
from tests.staff_helpers import arabic, entry_url, fast_passwords, read_form, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

DRAFT, REVIEW, PUBLISHED, ARCHIVED = (
    Meeting.Status.DRAFT,
    Meeting.Status.REVIEW,
    Meeting.Status.PUBLISHED,
    Meeting.Status.ARCHIVED,
)
Action = MeetingEvent.Action
NOT_REVIEWED = "Only a meeting in review can be published: submit the draft for review first."


def test_an_editor_submits_a_draft_for_review(world):
    meeting = world.meeting()
    event = meeting.submit_for_review(by=world.editor)
    meeting.refresh_from_db()
    assert meeting.status == REVIEW
    assert (event.action, event.by, event.meeting) == (Action.SUBMITTED, world.editor, meeting)


def test_a_reviewer_publishes_a_meeting_in_review(world):
    meeting = world.meeting(status=REVIEW)
    meeting.publish(by=world.reviewer)
    meeting.refresh_from_db()
    assert meeting.status == PUBLISHED
    assert meeting.published_at is not None
    assert meeting.updated_by == world.reviewer
    assert meeting.events.get().action == Action.PUBLISHED


@pytest.mark.parametrize(
    "status, who, method, kwargs",
    [
        pytest.param(REVIEW, "editor", "publish", {}, id="editor-cannot-publish"),
        pytest.param(DRAFT, "reviewer", "publish", {}, id="reviewer-cannot-publish-a-draft-without-review"),
        pytest.param(ARCHIVED, "reviewer", "publish", {}, id="reviewer-cannot-republish-an-archived-meeting"),
        pytest.param(PUBLISHED, "reviewer", "publish", {}, id="already-published"),
        pytest.param(REVIEW, "other_reviewer", "publish", {}, id="reviewer-of-another-organisation"),
        pytest.param(REVIEW, "nobody", "publish", {}, id="user-without-organisation"),
        pytest.param(REVIEW, "editor", "submit_for_review", {}, id="only-a-draft-is-submitted"),
        pytest.param(DRAFT, "other_editor", "submit_for_review", {}, id="editor-of-another-organisation"),
        pytest.param(REVIEW, "editor", "return_to_draft", {"comment": "صحح العنوان"}, id="editor-cannot-return"),
        pytest.param(DRAFT, "reviewer", "return_to_draft", {"comment": "صحح العنوان"}, id="a-draft-is-not-returned"),
        pytest.param(REVIEW, "reviewer", "return_to_draft", {"comment": "   "}, id="returning-needs-a-comment"),
        pytest.param(PUBLISHED, "editor", "unpublish", {}, id="editor-cannot-unpublish"),
        pytest.param(DRAFT, "reviewer", "unpublish", {}, id="a-draft-is-not-unpublished"),
    ],
)
def test_illegal_transitions_raise_a_clear_error_and_change_nothing(world, status, who, method, kwargs):
    meeting = world.meeting(published=status == PUBLISHED, status=None if status == PUBLISHED else status)
    before = (meeting.status, meeting.published_at, meeting.events.count(), meeting.history.count())
    with pytest.raises(TransitionNotAllowed) as refusal:
        getattr(meeting, method)(by=getattr(world, who), **kwargs)
    assert refusal.value.messages[0].strip()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at, meeting.events.count(), meeting.history.count()) == before


def test_the_error_says_why(world):
    meeting = world.meeting()
    with pytest.raises(TransitionNotAllowed) as refusal:
        meeting.publish(by=world.reviewer)
    assert refusal.value.messages == [arabic(NOT_REVIEWED)]
    with pytest.raises(TransitionNotAllowed) as refusal:
        world.meeting(status=REVIEW).publish(by=world.editor)
    assert refusal.value.messages == [arabic("Only a reviewer of an organising organisation can publish this meeting.")]


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_an_administrator_may_publish_a_draft_directly(world, who):
    meeting = world.meeting()
    meeting.publish(by=getattr(world, who))
    meeting.refresh_from_db()
    assert meeting.status == PUBLISHED
    assert meeting.events.get().by == getattr(world, who)


def test_a_reviewer_returns_a_meeting_with_a_comment(world):
    meeting = world.meeting(status=REVIEW)
    meeting.return_to_draft(by=world.reviewer, comment="  أضف أسماء الجهات المشاركة  ")
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    event = meeting.events.get()
    assert (event.action, event.by, event.comment) == (Action.RETURNED, world.reviewer, "أضف أسماء الجهات المشاركة")


def test_a_reviewer_unpublishes_a_meeting_back_to_draft(world):
    meeting = world.meeting(published=True)
    meeting.unpublish(by=world.reviewer, comment="خطأ في التاريخ")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (DRAFT, None)
    assert meeting.events.first().action == Action.UNPUBLISHED


def test_a_co_organising_organisations_reviewer_may_publish(world):
    meeting = world.meeting(status=REVIEW)
    factories.involvement(meeting, world.other_org, role="co_organiser")
    meeting.publish(by=world.other_reviewer)
    assert Meeting.objects.get(pk=meeting.pk).status == PUBLISHED


def test_a_partner_organisations_reviewer_may_not(world):
    meeting = world.meeting(status=REVIEW)
    factories.involvement(meeting, world.other_org, role="partner")
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.other_reviewer)


def test_system_calls_keep_working_without_a_user(db):
    """publish()/unpublish() without ``by`` (demo loader, admin actions) work from any status; publish is idempotent."""
    meeting = factories.meeting()
    meeting.publish()
    stamp = Meeting.objects.get(pk=meeting.pk).published_at
    meeting.publish()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (PUBLISHED, stamp)
    assert meeting.events.filter(action=Action.PUBLISHED).count() == 1
    meeting.unpublish()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (DRAFT, None)
    assert meeting.events.first().by is None


def test_a_stale_instance_cannot_undo_a_newer_move(world):
    """The status is re-read under lock: an instance loaded before publication cannot submit again."""
    stale = Meeting.objects.get(pk=world.meeting(status=REVIEW).pk)
    Meeting.objects.get(pk=stale.pk).publish(by=world.reviewer)
    with pytest.raises(TransitionNotAllowed):
        stale.return_to_draft(by=world.reviewer, comment="متأخر")
    assert Meeting.objects.get(pk=stale.pk).status == PUBLISHED


def test_allowed_actions_follow_role_and_status(world):
    draft, in_review, published = world.meeting(), world.meeting(status=REVIEW), world.meeting(published=True)
    assert draft.allowed_actions(world.editor) == [Action.SUBMITTED]
    assert in_review.allowed_actions(world.editor) == []
    assert in_review.allowed_actions(world.reviewer) == [Action.PUBLISHED, Action.RETURNED]
    assert published.allowed_actions(world.reviewer) == [Action.UNPUBLISHED]
    assert Action.PUBLISHED in draft.allowed_actions(world.superuser)


def test_who_may_edit_in_which_status(world):
    draft, in_review, published = world.meeting(), world.meeting(status=REVIEW), world.meeting(published=True)
    assert draft.can_edit(world.editor) and not in_review.can_edit(world.editor) and not published.can_edit(world.editor)
    assert draft.can_edit(world.reviewer) and in_review.can_edit(world.reviewer) and published.can_edit(world.reviewer)
    assert not draft.can_edit(world.other_editor) and not draft.can_edit(world.nobody)


# --- Through the workspace -------------------------------------------------------------


def test_review_round_trip_through_the_pages(client, world):
    meeting = world.meeting()
    client.force_login(world.editor)
    response = client.post(reverse("staff:meeting_submit", args=[meeting.pk]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == REVIEW

    client.force_login(world.reviewer)
    response = client.post(
        reverse("staff:meeting_return", args=[meeting.pk]), {"comment": "أضف التوصيات الثلاث كما وردت"}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == DRAFT

    client.force_login(world.editor)
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert "أضف التوصيات الثلاث كما وردت" in dashboard
    detail = client.get(reverse("staff:meeting_detail", args=[meeting.pk])).content.decode()
    assert "أضف التوصيات الثلاث كما وردت" in detail

    client.post(reverse("staff:meeting_submit", args=[meeting.pk]))
    client.force_login(world.reviewer)
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == PUBLISHED
    assert list(meeting.events.order_by("at", "pk").values_list("action", flat=True)) == [
        Action.SUBMITTED,
        Action.RETURNED,
        Action.SUBMITTED,
        Action.PUBLISHED,
    ]


def test_publishing_a_draft_through_the_page_is_refused_with_a_message(client, world):
    meeting = world.meeting()
    client.force_login(world.reviewer)
    response = client.post(reverse("staff:meeting_publish", args=[meeting.pk]), follow=True)
    assert Meeting.objects.get(pk=meeting.pk).status == DRAFT
    assert arabic(NOT_REVIEWED, html=True) in response.content.decode()


def test_returning_without_a_comment_is_refused_with_a_message(client, world):
    meeting = world.meeting(status=REVIEW)
    client.force_login(world.reviewer)
    response = client.post(reverse("staff:meeting_return", args=[meeting.pk]), {"comment": ""}, follow=True)
    assert Meeting.objects.get(pk=meeting.pk).status == REVIEW
    assert arabic("Say what needs to change: the editors will read your comment.", html=True) in response.content.decode()


def test_save_and_submit_in_one_step(client, world):
    meeting = world.meeting()
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    response = client.post(entry_url(meeting), {**data, "then": "submit"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == REVIEW


def test_an_editor_cannot_open_the_form_of_a_meeting_in_review(client, world):
    meeting = world.meeting(status=REVIEW)
    client.force_login(world.editor)
    assert client.get(entry_url(meeting)).status_code == 403
    client.force_login(world.reviewer)
    assert client.get(entry_url(meeting)).status_code == 200


def test_a_meeting_submitted_while_its_editor_types_is_not_overwritten(client, world):
    """The editor's save is refused (409) with everything typed still in the form."""
    meeting = world.meeting()
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    Meeting.objects.get(pk=meeting.pk).submit_for_review(by=world.reviewer)
    data["minutes_ar"] = "نص المحضر الذي كتبه المحرر"
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 409
    assert "نص المحضر الذي كتبه المحرر" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == REVIEW
    assert not meeting.minutes_ar


def test_the_save_service_refuses_an_editor_once_the_meeting_left_draft(world):
    """The status is checked again inside the save's transaction, after the version is claimed."""
    meeting = world.meeting(title_ar="قبل")
    typed = Meeting.objects.get(pk=meeting.pk)
    meeting.submit_for_review(by=world.editor)
    typed.title_ar = "بعد"
    with pytest.raises(MeetingLocked):
        meeting_save(meeting=typed, version=1, by=world.editor)
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.version, meeting.status) == ("قبل", 1, REVIEW)


def test_the_save_service_refuses_a_new_meeting_its_author_could_not_open(world):
    from django.core.exceptions import PermissionDenied

    from meetings.services import Row

    meeting = Meeting(title_ar="لقاء منظمة أخرى", date=datetime.date(2022, 11, 26))
    with pytest.raises(PermissionDenied):
        meeting_save(
            meeting=meeting,
            by=world.editor,
            involvements=[Row(None, {"organization": world.other_org, "role": "organiser"})],
        )
    assert not Meeting.objects.filter(title_ar="لقاء منظمة أخرى").exists()
