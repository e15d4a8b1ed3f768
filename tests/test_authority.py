"""A role held in one organisation does not reach into another's records.

Each test here is a path an adversarial audit found open: a post known only from another
organisation's draft, a change of a meeting's organisers that raises the editor's own role or
takes the meeting from its members, a merge that hands another organisation's draft to the
reviewer's, another addressee's unreviewed note. And what reaches the public only through a
reviewer: a restore of a published meeting, a follow-up note, a post's pending organisation
(a person protected after publication: tests/test_withholding.py).
"""

import json

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Membership, Participation, Recommendation, RecommendationUpdate
from meetings.models.workflow import TransitionNotAllowed
from tests import factories
from tests.staff_helpers import arabic, fast_passwords, read_form, world  # noqa: F401

Role = Membership.Role
PROTECTED_NAME = "سميرة أحمد الأنسي"


def _messages(response):
    return [str(message) for message in response.context["messages"]]


# --- Posts known only from another organisation's draft ---------------------------------


def _post_in_another_organisations_draft(world):
    """A public official's post, at an organisation no one outside the other organisation knows of,
    held only at the other organisation's draft."""
    draft = world.other_meeting(title_ar="مسودة المنظمة الأخرى")
    secret = factories.organization("جهة لا تعرفها منظمتنا")
    factories.involvement(draft, secret, role="partner")
    official = factories.person("مسؤول عام معروف", public=True)
    post = factories.position(official, title_ar="مستشار ملف التفاوض", organization=secret)
    factories.participation(draft, official, post, organization=secret)
    return secret, post


def test_the_people_picker_does_not_show_a_post_known_only_from_another_organisations_draft(
    client, world, fast_passwords
):
    secret, post = _post_in_another_organisations_draft(world)
    client.force_login(world.editor)
    results = json.loads(client.get(reverse("staff:pick_people"), {"q": "مسؤول عام"}).content)["results"]
    assert [row["person"] for row in results] == [post.person_id]  # the public person, without that post
    assert all(row["position"] is None for row in results)
    assert not any(secret.name_ar in row["detail"] or "التفاوض" in row["detail"] for row in results)

    client.force_login(world.other_editor)  # the draft's own organisation sees its post
    results = json.loads(client.get(reverse("staff:pick_people"), {"q": "مسؤول عام"}).content)["results"]
    assert post.pk in [row["position"] for row in results]


def test_the_meeting_form_neither_offers_nor_accepts_a_post_known_only_from_another_organisations_draft(
    client, world, fast_passwords
):
    secret, post = _post_in_another_organisations_draft(world)
    meeting = world.meeting(title_ar="لقاؤنا")
    client.force_login(world.editor)
    url = reverse("staff:meeting_edit", args=[meeting.pk])
    page = client.get(url)
    assert secret.name_ar not in page.content.decode()
    data = read_form(page)
    data.update({"participants-0-position": str(post.pk), "participants-0-role": "speaker"})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert not Participation.objects.filter(meeting=meeting).exists()


def test_a_post_of_someone_else_is_refused_beside_a_person(client, world, fast_passwords):
    meeting = world.meeting(title_ar="لقاؤنا")
    chosen = factories.person("مسؤول أول", public=True)
    other_post = factories.position(factories.person("مسؤول ثان", public=True), title_ar="مدير المكتب")
    factories.participation(world.meeting(published=True), other_post.person, other_post)
    client.force_login(world.editor)
    url = reverse("staff:meeting_edit", args=[meeting.pk])
    data = read_form(client.get(url))
    data.update(
        {"participants-0-person": str(chosen.pk), "participants-0-position": str(other_post.pk), "participants-0-role": "speaker"}
    )
    client.cookies["django_language"] = "ar"
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert arabic("This post belongs to someone else: choose one of the person's own posts.", html=True) in (
        response.content.decode()
    )
    assert not Participation.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_a_posts_pending_organisation_keeps_the_meeting_from_being_published():
    pending = factories.organization("جهة تنتظر التأكيد", is_pending=True)
    post = factories.position(factories.person(public=True), "منسق ميداني", organization=pending)
    meeting = factories.full_meeting("لقاء", published=False)
    factories.participation(meeting, position_obj=post)
    assert list(meeting.pending_organizations()) == [pending]
    with pytest.raises(TransitionNotAllowed, match="جهة تنتظر التأكيد"):
        meeting.publish()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


# --- A meeting's organisers ---------------------------------------------------------------


def _row_of(data, organization):
    """The prefix of the form's row that names ``organization`` («organizations-0»)."""
    return next(
        key[: -len("-organization")]
        for key, value in data.items()
        if key.endswith("-organization") and value == str(organization.pk)
    )


def _name_co_organiser(client, meeting, organization):
    url = reverse("staff:meeting_edit", args=[meeting.pk])
    data = read_form(client.get(url))
    data.update({"organizations-1-organization": str(organization.pk), "organizations-1-role": "co_organiser"})
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="ar")


@pytest.mark.parametrize("role_elsewhere", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_an_editor_does_not_become_the_meetings_reviewer_by_naming_an_organisation_they_review_for(
    client, world, fast_passwords, role_elsewhere
):
    dual = factories.staff(Role.EDITOR, world.org, username="dual")
    factories.membership(dual, world.other_org, role_elsewhere)
    meeting = world.meeting(title_ar="مسودة منظمتنا")
    client.force_login(dual)
    response = _name_co_organiser(client, meeting, world.other_org)
    assert response.status_code == 200
    assert "«منظمة أخرى»" in response.content.decode()
    assert not meeting.involvements.filter(organization=world.other_org).exists()
    assert meeting.role_of(dual) == Role.EDITOR
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_an_editor_names_a_co_organiser_where_their_role_is_no_higher(client, world, fast_passwords):
    dual = factories.staff(Role.EDITOR, world.org, username="dual")
    factories.membership(dual, world.other_org, Role.EDITOR)
    meeting = world.meeting(title_ar="مسودة منظمتنا")
    client.force_login(dual)
    assert _name_co_organiser(client, meeting, world.other_org).status_code == 302
    assert meeting.involvements.filter(organization=world.other_org, role="co_organiser").exists()


def test_a_co_organisers_editor_cannot_take_the_meeting_from_its_organiser(client, world, fast_passwords):
    meeting = world.other_meeting(title_ar="لقاء المنظمة الأخرى")
    factories.involvement(meeting, world.org, role="co_organiser")
    client.force_login(world.editor)
    url = reverse("staff:meeting_edit", args=[meeting.pk])
    data = read_form(client.get(url))
    data[f"{_row_of(data, world.other_org)}-DELETE"] = "on"
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert meeting.involvements.filter(organization=world.other_org, role="organiser").exists()
    client.force_login(world.other_administrator)
    assert client.get(reverse("staff:meeting_detail", args=[meeting.pk])).status_code == 200

    # A member of the organiser may take it off, when another of their organisations stays organising.
    dual = factories.staff(Role.EDITOR, world.org, username="dual")
    factories.membership(dual, world.other_org, Role.EDITOR)
    client.force_login(dual)
    data = read_form(client.get(url))
    data[f"{_row_of(data, world.other_org)}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(meeting.involvements.values_list("organization", flat=True)) == [world.org.pk]


# --- A merge ------------------------------------------------------------------------------


def test_a_reviewer_cannot_merge_a_pending_organisation_that_organises_another_organisations_draft(
    client, world, fast_passwords
):
    pending = services.organization_create(name="جمعية جديدة مشتركة", by=world.other_editor)
    shared = world.meeting(title_ar="لقاء مشترك")
    factories.involvement(shared, world.other_org, role="co_organiser")
    factories.involvement(shared, pending, role="partner")
    their_draft = world.other_meeting(title_ar="مسودة المنظمة الأخرى وحدها")
    factories.involvement(their_draft, pending, role="co_organiser")

    client.force_login(world.reviewer)
    response = client.post(
        reverse("staff:organization_merge", args=[pending.pk]), {"into": str(world.org.pk)}, follow=True,
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert any("جمعية جديدة مشتركة" in message and "مديري الموقع" in message for message in _messages(response))
    assert their_draft.involvements.filter(organization=pending).exists()
    client.force_login(world.editor)
    assert client.get(reverse("staff:meeting_detail", args=[their_draft.pk])).status_code == 404

    # Once it organises only meetings the reviewer's organisation organises, the merge goes through.
    their_draft.involvements.filter(organization=pending).update(role="partner")
    client.force_login(world.reviewer)
    client.post(reverse("staff:organization_merge", args=[pending.pk]), {"into": str(world.org.pk)})
    assert their_draft.involvements.filter(organization=world.org, role="partner").exists()
    client.force_login(world.editor)
    assert client.get(reverse("staff:meeting_detail", args=[their_draft.pk])).status_code == 404


def test_a_pending_organisation_typed_as_co_organiser_and_merged_does_not_raise_its_typists_role(
    client, world, fast_passwords
):
    dual = factories.staff(Role.EDITOR, world.org, username="dual")  # an editor here, a reviewer there
    factories.membership(dual, world.other_org, Role.REVIEWER)
    ours = world.meeting(title_ar="مسودة منظمتنا")
    pending = services.organization_create(name="نسخة من المنظمة الأخرى", by=dual)
    factories.involvement(ours, pending, role="co_organiser")
    theirs = world.other_meeting(title_ar="لقاء المنظمة الأخرى")
    factories.involvement(theirs, pending, role="partner")  # so that dual, their reviewer, may merge it

    client.force_login(dual)
    response = client.post(
        reverse("staff:organization_merge", args=[pending.pk]), {"into": str(world.other_org.pk)}, follow=True,
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert any("نسخة من المنظمة الأخرى" in message and "دورًا أعلى" in message for message in _messages(response))
    assert ours.involvements.filter(organization=pending).exists()
    assert ours.role_of(dual) == Role.EDITOR

    # Our reviewer, who holds no role in the other organisation, may merge it: their own role does not change.
    factories.involvement(ours, world.other_org, role="partner")  # so that they may choose it
    client.force_login(world.reviewer)
    client.post(reverse("staff:organization_merge", args=[pending.pk]), {"into": str(world.other_org.pk)})
    assert ours.involvements.filter(organization=world.other_org, role="co_organiser").exists()


# --- Follow-up ----------------------------------------------------------------------------


def test_an_addressee_reads_only_approved_updates_and_its_own_on_the_timeline(client, world, fast_passwords):
    third = factories.organization("منظمة ثالثة")
    third_editor = factories.staff(Role.EDITOR, third, username="third_editor")
    meeting = world.other_meeting(published=True)
    recommendation = factories.recommendation(meeting)
    recommendation.addressees.add(world.org, third)
    services.recommendation_follow_up_record(
        recommendation=recommendation, by=third_editor, status="in_progress", progress=10, note_ar="ملاحظة لم تراجع"
    )
    approved = services.recommendation_follow_up_record(
        recommendation=recommendation, by=third_editor, status="in_progress", progress=20, note_ar="ملاحظة معتمدة"
    )
    services.recommendation_update_approve(update=approved, by=world.other_reviewer)
    services.recommendation_follow_up_record(
        recommendation=recommendation, by=world.editor, status="in_progress", progress=30, note_ar="ملاحظتنا نحن"
    )
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])

    client.force_login(world.reviewer)  # a colleague of the author of «ملاحظتنا نحن»
    page = client.get(url).content.decode()
    assert "ملاحظة معتمدة" in page and "ملاحظتنا نحن" in page
    assert "ملاحظة لم تراجع" not in page

    client.force_login(world.other_reviewer)  # the meeting's organiser reads them all
    page = client.get(url).content.decode()
    assert all(note in page for note in ("ملاحظة لم تراجع", "ملاحظة معتمدة", "ملاحظتنا نحن"))


def test_an_update_naming_a_protected_person_is_not_approved(client, world, fast_passwords):
    factories.person(PROTECTED_NAME)
    meeting = world.meeting(published=True)
    recommendation = factories.recommendation(meeting)
    update = services.recommendation_follow_up_record(
        recommendation=recommendation, by=world.editor, status=Recommendation.Status.ACCEPTED,
        note_ar=f"أبلغتنا {PROTECTED_NAME} بالتقدم",
    )
    client.force_login(world.reviewer)
    response = client.post(reverse("staff:follow_up_approve", args=[update.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="ar")
    update.refresh_from_db()
    assert update.review_state == RecommendationUpdate.Review.PENDING
    assert any(PROTECTED_NAME in message for message in _messages(response))
    client.logout()
    assert PROTECTED_NAME not in client.get(recommendation.get_absolute_url()).content.decode()

    update.note_ar = "أبلغتنا إحدى المشاركات بالتقدم"
    update.save()
    services.recommendation_update_approve(update=update, by=world.reviewer)
    update.refresh_from_db()
    assert update.review_state == RecommendationUpdate.Review.APPROVED


# --- A restore ----------------------------------------------------------------------------


def test_a_restore_does_not_bring_a_protected_name_back_to_a_public_meeting(client, world, fast_passwords):
    factories.person(PROTECTED_NAME)
    meeting = world.meeting()
    meeting.minutes_ar = f"قالت {PROTECTED_NAME} إن الوضع صعب."
    meeting.save()
    with_name = meeting.history.order_by("-history_date", "-history_id").first()
    meeting.minutes_ar = "قالت إحدى المشاركات إن الوضع صعب."
    meeting.save()
    meeting.publish()
    client.force_login(world.administrator)
    response = client.post(
        reverse("staff:meeting_restore", args=[meeting.pk, with_name.history_id]), follow=True,
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 200
    assert any("محمي" in message for message in _messages(response)), _messages(response)
    meeting.refresh_from_db()
    assert PROTECTED_NAME not in meeting.minutes_ar
    client.logout()
    assert PROTECTED_NAME not in client.get(meeting.get_absolute_url()).content.decode()

    # A draft's restore is not refused: publication checks the names.
    meeting.unpublish()
    client.force_login(world.administrator)
    client.post(reverse("staff:meeting_restore", args=[meeting.pk, with_name.history_id]))
    meeting.refresh_from_db()
    assert PROTECTED_NAME in meeting.minutes_ar


@pytest.mark.django_db
def test_a_returned_or_resubmitted_update_does_not_move_the_recommendations_public_modification_time(world):
    import datetime

    from django.utils import timezone

    meeting = world.meeting(published=True)
    recommendation = factories.recommendation(meeting)
    accepted = services.recommendation_follow_up_record(
        recommendation=recommendation, by=world.editor, status=Recommendation.Status.ACCEPTED
    )
    services.recommendation_update_approve(update=accepted, by=world.reviewer)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Recommendation.objects.filter(pk=recommendation.pk).update(updated_at=long_ago)
    update = services.recommendation_follow_up_record(
        recommendation=recommendation, by=world.editor, status=Recommendation.Status.PARTIAL, progress=60
    )
    services.recommendation_update_return(update=update, by=world.reviewer, comment="أعد الصياغة")
    update.refresh_from_db()
    update.note_ar = "صيغة جديدة"
    update.review_state = RecommendationUpdate.Review.PENDING
    update.save()
    recommendation.refresh_from_db()
    assert recommendation.updated_at == long_ago
    assert recommendation.status == Recommendation.Status.ACCEPTED

    services.recommendation_update_approve(update=update, by=world.reviewer)
    recommendation.refresh_from_db()
    assert recommendation.updated_at > long_ago
    assert (recommendation.status, recommendation.progress) == (Recommendation.Status.PARTIAL, 60)


@pytest.mark.django_db
def test_a_pending_implementer_of_a_published_project_is_not_named_on_its_pages(client):
    meeting = factories.full_meeting("لقاء منشور")
    project = meeting.project
    pending = factories.organization("جهة منفذة لم تراجع", is_pending=True)
    confirmed = factories.organization("جهة منفذة مؤكدة")
    project.implementers.add(pending, confirmed)
    for page in (project.get_absolute_url(), reverse("meetings:project_list")):
        body = client.get(page).content.decode()
        assert "جهة منفذة مؤكدة" in body
        assert "جهة منفذة لم تراجع" not in body
