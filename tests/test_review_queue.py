"""Nothing reaches the public without a reviewer: follow-up updates (and their evidence
files) and organisations typed into a meeting's form wait for a reviewer of the record's
own organisation, on the dashboard's review queue."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.exports.dataset import build_dataset
from meetings.models import (
    Attachment,
    Meeting,
    MeetingOrganization,
    Organization,
    Recommendation,
    RecommendationUpdate,
    TransitionNotAllowed,
)
from meetings.publicity import refresh_organizations
from meetings import services
from meetings.similarity import edit_distance, names_are_close, similar_organizations
from tests import factories
from tests.portal import PortalClient, api_crawl, crawl, readable
from tests.staff_helpers import (  # noqa: F401
    arabic,
    entry_url,
    fast_passwords,
    media_root,
    new_meeting_data,
    pdf_bytes,
    read_form,
    world,
)

pytestmark = pytest.mark.usefixtures("fast_passwords", "media_root")

DASHBOARD = reverse("staff:dashboard")
Review = RecommendationUpdate.Review
NOTE = "ملاحظةمتابعةلميراجعهاأحد"  # one word that appears nowhere else
FILE_TITLE = "تقرير الإنجاز"


def published_organization(name):
    """An organisation the public (and so every editor) may see: it took part in a published meeting."""
    organization = factories.organization(name)
    factories.involvement(factories.meeting(published=True), organization, role=MeetingOrganization.Role.PARTNER)
    return organization


def upload(name="report.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def addressed(world):
    """A recommendation of the *other* organisation's published meeting, addressed to ours."""
    meeting = world.other_meeting(title_ar="لقاء المنظمة الأخرى", published=True)
    recommendation = factories.recommendation(meeting, text_ar="توصية موجهة إلى منظمتنا")
    recommendation.addressees.add(world.org)
    return recommendation


def follow_up_url(recommendation):
    return reverse("staff:recommendation_follow_up", args=[recommendation.pk])


def post_follow_up(client, recommendation, **fields):
    data = {"status": "in_progress", "progress": "40", "date": "2023-03-01", "note_ar": NOTE}
    data.update(fields)
    return client.post(follow_up_url(recommendation), data)


def public_texts(recommendation):
    """What the public sees where follow-up appears: the recommendation's page, both feeds,
    the meeting's page (its attachment list). (Search does not index follow-up notes.)"""
    client = PortalClient()
    pages = [
        client.get(recommendation.get_absolute_url()),
        client.get(reverse("meetings:feed_recommendation_updates_rss")),
        client.get(reverse("meetings:feed_recommendation_updates_atom")),
        client.get(recommendation.meeting.get_absolute_url()),
    ]
    assert all(page.status_code == 200 for page in pages)
    return "\n".join(page.content.decode() for page in pages)


# --- Follow-up updates ------------------------------------------------------------------


def test_follow_up_from_an_addressee_with_a_public_file_waits_for_review(client, world, addressed):
    """The reproduction of the issue: until today the note was public at once, and the file was
    listed on the other organisation's public meeting page."""
    client.force_login(world.editor)
    response = post_follow_up(client, addressed, evidence_file=upload(), evidence_public="on")
    assert response.status_code == 302
    update = addressed.updates.get()
    assert update.review_state == Review.PENDING and update.evidence.is_public
    evidence = update.evidence

    body = public_texts(addressed)
    assert NOTE not in body
    assert evidence.get_absolute_url() not in body
    assert PortalClient().get(evidence.get_absolute_url()).status_code == 404
    assert not Attachment.objects.public().filter(pk=evidence.pk).exists()
    addressed.refresh_from_db()
    assert (addressed.status, addressed.progress) == (Recommendation.Status.PROPOSED, 0)

    # A reviewer of the organisation that organised the meeting approves it: now it is public.
    client.force_login(world.other_reviewer)
    assert client.post(reverse("staff:follow_up_approve", args=[update.pk])).status_code == 302
    update.refresh_from_db()
    assert (update.review_state, update.reviewed_by) == (Review.APPROVED, world.other_reviewer)
    assert update.reviewed_at is not None
    body = public_texts(addressed)
    assert NOTE in body
    assert evidence.get_absolute_url() in body
    assert PortalClient().get(evidence.get_absolute_url()).status_code == 200
    addressed.refresh_from_db()
    assert (addressed.status, addressed.progress) == (Recommendation.Status.IN_PROGRESS, 40)


def test_a_pending_update_does_not_move_the_public_status_but_its_approval_does(world, addressed):
    addressed.set_status(Recommendation.Status.ACCEPTED, progress=10, on=datetime.date(2023, 1, 1))
    update = services.recommendation_follow_up_record(
        recommendation=addressed, by=world.editor, status="partial", progress=70, date=datetime.date(2023, 6, 1)
    )
    addressed.refresh_from_db()
    assert (addressed.status, addressed.progress) == ("accepted", 10)
    assert Recommendation.objects.with_status("partial").count() == 0
    services.recommendation_update_approve(update=update, by=world.other_reviewer)
    addressed.refresh_from_db()
    assert (addressed.status, addressed.progress) == ("partial", 70)


def test_every_update_recorded_in_the_workspace_waits_even_a_reviewers_own(client, world):
    recommendation = factories.recommendation(world.meeting(published=True))
    client.force_login(world.reviewer)
    assert post_follow_up(client, recommendation).status_code == 302
    assert recommendation.updates.get().review_state == Review.PENDING
    assert NOTE not in public_texts(recommendation)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reviewer", 404),  # a reviewer of the addressee, not of the meeting's organisation
        ("editor", 404),  # the author
        ("other_editor", 404),  # an editor of the meeting's organisation
        ("nobody", 403),  # signed in, no organisation
        ("other_reviewer", 302),
        ("superuser", 302),
    ],
)
@pytest.mark.parametrize("action", ["follow_up_approve", "follow_up_return"])
def test_only_a_reviewer_of_the_meetings_organisation_reviews_follow_up(client, world, addressed, who, status, action):
    update = services.recommendation_follow_up_record(recommendation=addressed, by=world.editor, status="accepted")
    client.force_login(getattr(world, who))
    response = client.post(reverse(f"staff:{action}", args=[update.pk]), {"comment": "صحح التاريخ"})
    assert response.status_code == status
    update.refresh_from_db()
    expected = {"follow_up_approve": Review.APPROVED, "follow_up_return": Review.RETURNED}[action]
    assert update.review_state == (expected if status == 302 else Review.PENDING)


def test_review_actions_are_post_only_and_need_signing_in(client, world, addressed):
    update = services.recommendation_follow_up_record(recommendation=addressed, by=world.editor, status="accepted")
    for name in ("follow_up_approve", "follow_up_return"):
        url = reverse(f"staff:{name}", args=[update.pk])
        assert client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
        client.force_login(world.other_reviewer)
        assert client.get(url).status_code == 405
        client.logout()
    update.refresh_from_db()
    assert update.review_state == Review.PENDING


def test_review_actions_check_the_csrf_token(world, addressed):
    from django.test import Client

    update = services.recommendation_follow_up_record(recommendation=addressed, by=world.editor, status="accepted")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.other_reviewer)
    assert client.post(reverse("staff:follow_up_approve", args=[update.pk])).status_code == 403
    update.refresh_from_db()
    assert update.review_state == Review.PENDING


def test_the_services_check_the_reviewers_organisation_too(world, addressed):
    update = services.recommendation_follow_up_record(recommendation=addressed, by=world.editor, status="accepted")
    with pytest.raises(PermissionDenied):
        services.recommendation_update_approve(update=update, by=world.reviewer)
    with pytest.raises(PermissionDenied):
        services.recommendation_update_return(update=update, by=world.editor, comment="لا")
    services.recommendation_update_approve(update=update, by=world.other_reviewer)
    with pytest.raises(ValidationError):  # approved already
        services.recommendation_update_approve(update=update, by=world.other_reviewer)


def test_a_returned_update_goes_back_to_its_author_who_corrects_and_resubmits(client, world, addressed):
    client.force_login(world.editor)
    post_follow_up(client, addressed, evidence_file=upload(), evidence_public="on")
    update = addressed.updates.get()

    client.force_login(world.other_reviewer)
    url = reverse("staff:follow_up_return", args=[update.pk])
    response = client.post(url, {"comment": "  "}, follow=True)
    assert arabic("Say what needs to change: the author will read your comment.") in response.content.decode()
    update.refresh_from_db()
    assert update.review_state == Review.PENDING
    client.post(url, {"comment": "أرفقوا محضر اللجنة بدل الصورة"})
    update.refresh_from_db()
    assert (update.review_state, update.review_comment) == (Review.RETURNED, "أرفقوا محضر اللجنة بدل الصورة")

    # Returned: still nothing public, the file neither.
    assert NOTE not in public_texts(addressed)
    assert PortalClient().get(update.evidence.get_absolute_url()).status_code == 404

    # The author reads the comment on their dashboard, and corrects the update.
    client.force_login(world.editor)
    dashboard = client.get(DASHBOARD)
    assert "أرفقوا محضر اللجنة بدل الصورة" in dashboard.content.decode()
    assert [u.pk for u in dashboard.context["updates_returned"]] == [update.pk]
    edit = reverse("staff:follow_up_edit", args=[update.pk])
    assert edit in dashboard.content.decode()
    form = client.get(edit)
    assert form.status_code == 200 and "أرفقوا محضر اللجنة بدل الصورة" in form.content.decode()
    data = read_form(form, css_class="follow-up-form")
    data["note_ar"] = NOTE + " مصححة"
    data["progress"] = "50"
    assert client.post(edit, data).status_code == 302
    update.refresh_from_db()
    assert (update.review_state, update.progress, update.note_ar) == (Review.PENDING, 50, NOTE + " مصححة")
    assert update.evidence.is_public  # the choice was kept
    assert NOTE not in public_texts(addressed)

    # Someone else of the same organisation cannot edit it; once approved, nobody can.
    client.force_login(factories.staff(organization_obj=world.org, username="colleague"))
    assert client.get(edit).status_code == 404
    services.recommendation_update_approve(update=update, by=world.other_reviewer)
    client.force_login(world.editor)
    assert client.get(edit).status_code == 403
    assert NOTE in public_texts(addressed)


def test_the_review_queue_is_on_the_dashboard_of_the_reviewers_concerned_only(client, world, addressed):
    update = services.recommendation_follow_up_record(
        recommendation=addressed, by=world.editor, status="accepted", note_ar=NOTE
    )
    client.force_login(world.other_reviewer)
    response = client.get(DASHBOARD)
    assert [u.pk for u in response.context["updates_to_review"]] == [update.pk]
    body = response.content.decode()
    assert NOTE in body and reverse("staff:follow_up_approve", args=[update.pk]) in body
    for user in (world.reviewer, world.editor, world.other_editor):
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.context["updates_to_review"] == []
        assert reverse("staff:follow_up_approve", args=[update.pk]) not in response.content.decode()


def _fill_queue(world, size):
    for n in range(size):
        recommendation = factories.recommendation(world.meeting(published=True))
        recommendation.addressees.add(world.other_org)
        services.recommendation_follow_up_record(
            recommendation=recommendation, by=world.other_editor, status="accepted", note_ar=f"ملاحظة {n}",
            evidence_file=upload(), evidence_public=True,
        )
        returned = services.recommendation_follow_up_record(
            recommendation=recommendation, by=world.reviewer, status="accepted"
        )
        services.recommendation_update_return(update=returned, by=world.reviewer, comment=f"تعليق {n}")
        meeting = world.meeting()
        services.meeting_save(
            meeting=meeting,
            by=world.reviewer,
            version=meeting.version,
            involvements=[services.Row(instance=None, data={"new_organization": f"جمعية جديدة {n}", "role": "partner"})],
        )


def test_the_dashboard_with_a_review_queue_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    counts = []
    for size in (1, 5):
        _fill_queue(world, size)
        client.force_login(world.reviewer)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(DASHBOARD)
        assert response.status_code == 200
        assert response.context["updates_to_review"] and response.context["updates_returned"]
        assert response.context["organizations_to_confirm"]
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Organisations typed into the meeting form ---------------------------------------


def _meeting_with_new_organization(client, world, name="جمعية الأمل للتنمية", **fields):
    client.force_login(world.editor)
    data = new_meeting_data(client, world)
    data.update({"organizations-1-new_organization": name, "organizations-1-role": MeetingOrganization.Role.PARTNER})
    data.update(fields)
    response = client.post(entry_url(), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Meeting.objects.latest("pk")


def test_an_organisation_typed_into_the_form_is_pending_and_blocks_publication(client, world):
    """The reproduction: until today the typed organisation became a public NGO on publication."""
    meeting = _meeting_with_new_organization(client, world, title_ar="لقاء مع جمعية جديدة")
    new = Organization.objects.get(name_ar="جمعية الأمل للتنمية")
    assert new.is_pending
    meeting.submit_for_review(by=world.editor)
    client.force_login(world.reviewer)
    detail = client.get(reverse("staff:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'id="pending-organizations"' in detail and reverse("staff:organization_review") in detail
    response = client.post(reverse("staff:meeting_publish", args=[meeting.pk]), follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEW
    assert "جمعية الأمل للتنمية" in response.content.decode()  # the refusal names it
    assert not Organization.objects.published().filter(pk=new.pk).exists()

    client.force_login(world.reviewer)
    assert client.post(reverse("staff:organization_confirm", args=[new.pk])).status_code == 302
    new.refresh_from_db()
    assert not new.is_pending
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert Organization.objects.published().filter(pk=new.pk).exists()


def test_the_workflow_refuses_to_publish_a_meeting_naming_a_pending_organisation(world):
    meeting = world.meeting(status="review")
    pending = services.organization_create(name="مؤسسة لم تؤكد", by=world.editor)
    recommendation = factories.recommendation(meeting)
    recommendation.addressees.add(pending)
    with pytest.raises(TransitionNotAllowed) as refused:
        meeting.publish(by=world.reviewer)
    assert "مؤسسة لم تؤكد" in refused.value.messages[0]
    with pytest.raises(TransitionNotAllowed):
        meeting.publish()  # the system's own call too
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEW


def test_a_pending_organisation_is_never_public_even_if_a_published_record_names_it(world):
    meeting = world.meeting(published=True)
    pending = services.organization_create(name="مؤسسة معلقة", by=world.editor)
    # Named by a published record through a back door (raw rows, the admin): still hidden.
    factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)
    refresh_organizations()
    pending.refresh_from_db()
    assert not pending.is_published
    assert not Organization.objects.published().filter(pk=pending.pk).exists()
    assert PortalClient().get(pending.get_absolute_url()).status_code == 404


def test_a_published_meeting_cannot_gain_a_new_organisation(client, world):
    meeting = world.meeting(status="review")
    meeting.publish(by=world.reviewer)
    client.force_login(world.reviewer)
    data = read_form(client.get(entry_url(meeting)))
    data.update({"organizations-1-new_organization": "منظمة مكتوبة بعد النشر", "organizations-1-role": "partner",
                 "organizations-1-new_organization_confirmed": "on"})
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    assert not Organization.objects.filter(name_ar="منظمة مكتوبة بعد النشر").exists()
    # The service refuses too (the rule is not only the form's).
    with pytest.raises(ValidationError):
        services.meeting_save(
            meeting=Meeting.objects.get(pk=meeting.pk),
            by=world.reviewer,
            version=Meeting.objects.get(pk=meeting.pk).version,
            involvements=[services.Row(instance=None, data={"new_organization": "منظمة أخرى جديدة", "role": "partner"})],
        )
    assert not Organization.objects.filter(name_ar="منظمة أخرى جديدة").exists()


def test_the_form_offers_organisations_with_a_close_name_before_creating_one(client, world):
    published_organization("جمعية الأمل للتنمية الريفية")
    client.force_login(world.editor)
    data = new_meeting_data(client, world, title_ar="لقاء كتب فيه اسم قريب")
    typed = "جمعيه الامل للتنميه الريفيه"  # the same name with ه for ة and no hamza
    data.update({"organizations-1-new_organization": typed, "organizations-1-role": "partner"})
    response = client.post(entry_url(), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "جمعية الأمل للتنمية الريفية" in body
    assert arabic("It is really a new organisation (none of the similar names offered)", html=True) in body
    assert typed in body and "لقاء كتب فيه اسم قريب" in body  # everything typed is kept
    assert not Organization.objects.filter(name_ar=typed).exists() and not Meeting.objects.filter(title_ar="لقاء كتب فيه اسم قريب").exists()

    data["organizations-1-new_organization_confirmed"] = "on"
    assert client.post(entry_url(), data).status_code == 302
    assert Organization.objects.get(name_ar=typed).is_pending


def test_a_typo_is_caught_and_a_different_name_is_not(world):
    factories.organization("منظمة مساءلة لحقوق الإنسان الأولى")
    among = Organization.objects.all()
    assert [str(o) for o in similar_organizations("منظمه مسائلة لحقوق الانسان الأولى", among)][0].startswith(
        "منظمة مساءلة لحقوق الإنسان"
    )
    assert similar_organizations("اتحاد الصيادين في المهرة", among) == []
    assert edit_distance("kitten", "sitting") == 3
    assert names_are_close("منظمه الامل", "منظمة الأمل".replace("أ", "ا").replace("ة", "ه"))


def test_suggestions_never_disclose_an_organisation_known_only_from_another_organisations_draft(client, world):
    hidden = factories.organization("هيئة سرية للتنسيق المحلي")
    factories.involvement(world.other_meeting(), hidden, role=MeetingOrganization.Role.PARTNER)
    client.force_login(world.editor)
    data = new_meeting_data(client, world)
    data.update({"organizations-1-new_organization": "هيئة سرية للتنسيق المحلي", "organizations-1-role": "partner"})
    response = client.post(entry_url(), data)
    assert response.status_code == 302  # nothing offered: the only close name is not theirs to see


def test_merging_a_pending_organisation_moves_every_reference_then_deletes_it(client, world):
    existing = published_organization("جمعية الأمل للتنمية")
    meeting = _meeting_with_new_organization(client, world, name="جمعيه الامل للتنميه", **{
        "organizations-1-new_organization_confirmed": "on"})
    pending = Organization.objects.get(name_ar="جمعيه الامل للتنميه")
    recommendation = factories.recommendation(meeting)
    recommendation.addressees.add(pending)
    factories.participation(meeting, organization=pending)
    factories.position(organization=pending)

    client.force_login(world.reviewer)
    page = client.get(reverse("staff:organization_review"))
    assert page.status_code == 200 and "جمعية الأمل للتنمية" in page.content.decode()  # offered as the duplicate
    response = client.post(reverse("staff:organization_merge", args=[pending.pk]), {"into": existing.pk})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=pending.pk).exists()
    assert meeting.involvements.filter(organization=existing).exists()
    assert list(recommendation.addressees.all()) == [existing]
    assert meeting.participations.filter(organization=existing).exists()
    assert existing.positions.exists()
    meeting.submit_for_review(by=world.editor)
    meeting.publish(by=world.reviewer)
    assert Organization.objects.published().filter(pk=existing.pk).exists()


def test_a_merge_handles_every_relation_of_organisations():
    relations = {relation.name for relation in Organization._meta.related_objects}
    assert relations <= set(services.MERGED_RELATIONS), relations - set(services.MERGED_RELATIONS)


def test_merge_by_exact_name_and_refusals(client, world):
    existing = published_organization("اتحاد نساء اليمن")
    meeting = world.meeting()
    pending = services.organization_create(name="اتحاد نساء يمن", by=world.editor)
    factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)
    client.force_login(world.reviewer)
    url = reverse("staff:organization_merge", args=[pending.pk])
    client.post(url, {"into_name": "اسم لا وجود له"})
    assert Organization.objects.filter(pk=pending.pk).exists()
    client.post(url, {"into": pending.pk})  # not into itself
    assert Organization.objects.filter(pk=pending.pk).exists()
    client.post(url, {"into_name": "اتحاد نساء اليمن"})
    assert not Organization.objects.filter(pk=pending.pk).exists()
    assert meeting.involvements.filter(organization=existing).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("editor", 404), ("other_reviewer", 404), ("other_editor", 404), ("nobody", 403), ("reviewer", 302), ("superuser", 302)],
)
def test_only_a_reviewer_of_a_meeting_naming_it_confirms_a_pending_organisation(client, world, who, status):
    meeting = world.meeting()
    pending = services.organization_create(name="رابطة جديدة", by=world.editor)
    factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)
    client.force_login(getattr(world, who))
    assert client.post(reverse("staff:organization_confirm", args=[pending.pk])).status_code == status
    assert client.get(reverse("staff:organization_confirm", args=[pending.pk])).status_code == 405
    pending.refresh_from_db()
    assert pending.is_pending == (status != 302)
    if status != 302:
        with pytest.raises(PermissionDenied):
            services.organization_merge(organization=pending, into=world.org, by=getattr(world, who))


# --- The public site after all of it -----------------------------------------------------


def test_a_crawl_after_the_review_queue_finds_no_unreviewed_follow_up_nor_pending_organisation(client, world, addressed):
    # Pending and returned follow-up, each with a public file, on a published meeting.
    client.force_login(world.editor)
    post_follow_up(client, addressed, note_ar="ملاحظةمعلقةلاتنشر", evidence_file=upload(), evidence_public="on")
    returned = services.recommendation_follow_up_record(
        recommendation=addressed, by=world.editor, status="accepted", note_ar="ملاحظةمعادةلاتنشر",
        evidence_file=upload(), evidence_public=True,
    )
    services.recommendation_update_return(update=returned, by=world.other_reviewer, comment="لا")
    approved = services.recommendation_follow_up_record(
        recommendation=addressed, by=world.editor, status="accepted", note_ar="ملاحظةمعتمدةتنشر",
        date=datetime.date(2022, 12, 1),
    )
    services.recommendation_update_approve(update=approved, by=world.other_reviewer)
    # A pending organisation named in a meeting submitted for review, and a published meeting
    # that a reviewer tried to give a new organisation.
    draft = _meeting_with_new_organization(client, world, name="جمعيةمعلقةلاتنشر")
    draft.submit_for_review(by=world.editor)
    with pytest.raises(TransitionNotAllowed):
        draft.publish(by=world.reviewer)

    public = PortalClient()
    build_dataset()  # the crawl reaches it from /open-data/, and every list's exports from the lists
    pages = {**crawl(public, "/", "/en/"), **api_crawl(public)}
    assert f"/api/v1/recommendations/{addressed.pk}/" in pages
    assert reverse("meetings:dataset_download") in pages
    assert reverse("meetings:recommendation_export", kwargs={"file_format": "xlsx"}) in pages
    extra = [
        reverse("meetings:feed_recommendation_updates_rss"),
        reverse("meetings:feed_recommendation_updates_atom"),
        reverse("meetings:feed_meetings_rss"),
        reverse("sitemap"),
        reverse("meetings:organization_list"),
        reverse("meetings:organization_lookup") + "?q=جمعيةمعلقة",
    ]
    for path in extra:
        pages[path] = readable(public.get(path))
    assert addressed.get_absolute_url() in pages
    secrets = ["ملاحظةمعلقةلاتنشر", "ملاحظةمعادةلاتنشر", "جمعيةمعلقةلاتنشر"]
    for path, response in pages.items():
        body = response.content.decode(errors="replace")
        for secret in secrets:
            assert secret not in body, (secret, path)
    assert "ملاحظةمعتمدةتنشر" in pages[addressed.get_absolute_url()].content.decode()
    for update in RecommendationUpdate.objects.exclude(review_state=Review.APPROVED).exclude(evidence=None):
        assert public.get(update.evidence.get_absolute_url()).status_code == 404
        assert all(update.evidence.get_absolute_url() not in r.content.decode(errors="replace") for r in pages.values())
    pending = Organization.objects.get(name_ar="جمعيةمعلقةلاتنشر")
    assert public.get(pending.get_absolute_url()).status_code == 404
    assert not Organization.objects.published().filter(is_pending=True).exists()
    # Search echoes the query: look at its results instead.
    for query in ("جمعيةمعلقةلاتنشر", "ملاحظةمعلقةلاتنشر"):
        response = public.get(reverse("search:search"), {"q": query})
        assert pending.get_absolute_url() not in response.content.decode()
        assert response.context["results"].total == 0
        for kind in ("organizations", "recommendations"):
            export = public.get(reverse("search:export", kwargs={"file_format": "json"}), {"q": query, "kind": kind})
            assert json.loads(b"".join(export.streaming_content))["rows"] == []


def test_a_published_meeting_cannot_be_given_a_pending_organisation_from_the_list(client, world):
    pending = services.organization_create(name="رابطة لم تؤكد بعد", by=world.editor)
    factories.involvement(world.meeting(), pending, role=MeetingOrganization.Role.PARTNER)  # so the reviewer sees it
    meeting = world.meeting(status="review", title_ar="لقاء منشور")
    meeting.publish(by=world.reviewer)
    factories.recommendation(meeting, text_ar="توصية اللقاء المنشور")
    client.force_login(world.reviewer)
    data = read_form(client.get(entry_url(meeting)))
    data["recommendations-0-addressees"] = [str(pending.pk)]
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    message = arabic(
        "A published meeting cannot name an organisation that a reviewer has not confirmed: %(names)s. "
        "Choose a confirmed organisation, or unpublish the meeting first."
    ) % {"names": "رابطة لم تؤكد بعد"}
    from django.utils.html import escape

    assert escape(message) in response.content.decode()
    assert not meeting.recommendations.get().addressees.exists()
    assert not Organization.objects.published().filter(pk=pending.pk).exists()


def test_confirming_an_organisation_recomputes_its_stored_publicity(world):
    meeting = world.meeting(published=True)
    pending = services.organization_create(name="جمعية أكدت لاحقا", by=world.editor)
    factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)  # a back door: raw rows, the admin
    pending.refresh_from_db()
    assert not pending.is_published
    services.organization_confirm(organization=pending, by=world.reviewer)
    pending.refresh_from_db()
    assert pending.is_published and Organization.objects.published().filter(pk=pending.pk).exists()


def test_merging_into_a_unit_of_the_pending_organisation_leaves_no_organisation_its_own_parent(world):
    meeting = world.meeting()
    pending = services.organization_create(name="الاتحاد العام", by=world.editor)
    factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)
    unit = factories.organization("فرع الاتحاد العام في مأرب", parent=pending)
    factories.involvement(factories.meeting(published=True), unit, role=MeetingOrganization.Role.PARTNER)
    services.organization_merge(organization=pending, into=unit, by=world.reviewer)
    unit.refresh_from_db()
    assert unit.parent is None and meeting.involvements.filter(organization=unit).exists()


def test_organisations_awaiting_confirmation_come_a_page_at_a_time(client, world, monkeypatch):
    """A bulk import can leave hundreds waiting: the page shows them in order, a few at a time,
    in the same number of statements however many wait."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.views import review

    monkeypatch.setattr(review, "PENDING_PER_PAGE", 2)
    meeting = world.meeting()
    names = [f"جمعية منتظرة رقم {n}" for n in range(1, 8)]

    def add(new_names):
        for name in new_names:
            pending = services.organization_create(name=name, by=world.editor)
            factories.involvement(meeting, pending, role=MeetingOrganization.Role.PARTNER)

    def read(query=""):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("staff:organization_review") + query)
        assert response.status_code == 200
        body = response.content.decode()
        return [name for name in names if f"<bdi>{name}</bdi>" in body], len(queries), body

    add(names[:3])
    client.force_login(world.reviewer)
    shown, few, body = read()
    assert shown == names[:2] and 'rel="next"' in body and "الصفحة 1" in body
    add(names[3:])
    shown, many, _body = read()
    assert shown == names[:2] and many == few
    assert read("?page=2")[0] == names[2:4]
    last, _count, body = read("?page=4")
    assert last == names[6:] and 'rel="prev"' in body and 'rel="next"' not in body
    assert read("?page=999")[0] == names[6:]  # past the end: the last page
    assert read("?page=abc")[0] == names[:2]  # not a number: the first
    # An editor confirms nothing: an empty page, no pages.
    client.force_login(world.editor)
    shown, _count, body = read()
    assert shown == [] and "لا توجد جهات بانتظار تأكيدك." in body
    assert 'class="pagination"' not in body
