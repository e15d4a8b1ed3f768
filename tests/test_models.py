"""The domain models: database constraints, translations, the recommendation timeline,
the publication rule, slugs, posts held on a day, and protected people's names."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from meetings.models import (
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    RecommendationUpdate,
    Tag,
    Theme,
)
from meetings.models.base import SLUG_MAX_LENGTH, unique_slug
from tests import factories

Status = Recommendation.Status
DAY = datetime.date(2022, 11, 26)


def validation_messages(instance):
    """Run full_clean() and return every message it raised (it must raise)."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.messages


# --- Database constraints ---------------------------------------------------
# Each case builds an instance that breaks one constraint, saved or not, and
# names the constraint and the message a user must see for it.


def _recommendation_progress_over_100():
    return Recommendation(meeting=factories.meeting(), order=1, text_ar="توصية", progress=101)


def _update_progress_over_100():
    return RecommendationUpdate(recommendation=factories.recommendation(), status=Status.IN_PROGRESS, progress=101)


def _recommendation_implemented_below_100():
    return Recommendation(
        meeting=factories.meeting(), order=1, text_ar="توصية", status=Status.IMPLEMENTED, progress=60
    )


def _update_implemented_below_100():
    return RecommendationUpdate(recommendation=factories.recommendation(), status=Status.IMPLEMENTED, progress=60)


def _recommendation_number_taken():
    existing = factories.recommendation(order=3)
    return Recommendation(meeting=existing.meeting, order=3, text_ar="توصية أخرى")


def _meeting_ends_before_it_starts():
    return Meeting(
        title_ar="لقاء", date=DAY, start_time=datetime.time(10, 0), end_time=datetime.time(9, 30)
    )


def _meeting_ends_when_it_starts():
    return Meeting(title_ar="لقاء", date=DAY, start_time=datetime.time(10, 0), end_time=datetime.time(10, 0))


def _position_ends_before_it_starts():
    return Position(
        person=factories.person(),
        title_ar="مدير عام",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )


def _project_ends_before_it_starts():
    return Project(name_ar="مشروع", start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2021, 12, 31))


def _attendance_exceeds_total():
    return Meeting(title_ar="لقاء", date=DAY, attendance_total=10, attendance_women=6, attendance_men=5)


def _published_without_timestamp():
    return Meeting(title_ar="لقاء", date=DAY, status=Meeting.Status.PUBLISHED, published_at=None)


def _meeting_follows_itself():
    meeting = factories.meeting()
    meeting.follows = meeting
    return meeting


def _organization_is_its_own_parent():
    organization = factories.organization()
    organization.parent = organization
    return organization


def _participation_of_nobody():
    return Participation(meeting=factories.meeting())


def _organization_listed_twice_in_one_role():
    existing = factories.involvement(factories.meeting(), role=MeetingOrganization.Role.PARTNER)
    return MeetingOrganization(
        meeting=existing.meeting, organization=existing.organization, role=MeetingOrganization.Role.PARTNER
    )


OVER_100 = ("Ensure this value is less than or equal to %(limit_value)s.", {"limit_value": 100})

CONSTRAINT_CASES = [
    # full_clean() reports progress over 100 on the field itself (its validator).
    pytest.param(_recommendation_progress_over_100, "recommendation_progress_0_100",
                 OVER_100, id="recommendation-progress-0-100"),
    pytest.param(_update_progress_over_100, "update_progress_0_100",
                 OVER_100, id="update-progress-0-100"),
    pytest.param(_recommendation_implemented_below_100, "recommendation_implemented_is_100",
                 ("An implemented recommendation has 100%% progress.", {}), id="recommendation-implemented-100"),
    pytest.param(_update_implemented_below_100, "update_implemented_is_100",
                 ("An implemented recommendation has 100%% progress.", {}), id="update-implemented-100"),
    pytest.param(_recommendation_number_taken, "recommendation_order_unique",
                 "Another recommendation of this meeting has this number.", id="recommendation-order-unique"),
    pytest.param(_meeting_ends_before_it_starts, "meeting_end_after_start",
                 "The meeting must end after it starts.", id="meeting-ends-before-start"),
    pytest.param(_meeting_ends_when_it_starts, "meeting_end_after_start",
                 "The meeting must end after it starts.", id="meeting-ends-at-start"),
    pytest.param(_position_ends_before_it_starts, "position_end_after_start",
                 "The end date must not be before the start date.", id="position-end-after-start"),
    pytest.param(_project_ends_before_it_starts, "project_end_after_start",
                 "The end date must not be before the start date.", id="project-end-after-start"),
    pytest.param(_attendance_exceeds_total, "meeting_attendance_adds_up",
                 "Women and men attending cannot exceed the total attendance.", id="attendance-adds-up"),
    pytest.param(_published_without_timestamp, "meeting_published_has_timestamp",
                 "A published meeting must have a publication date.", id="published-has-timestamp"),
    pytest.param(_meeting_follows_itself, "meeting_not_following_itself",
                 "A meeting cannot follow up on itself.", id="meeting-not-following-itself"),
    pytest.param(_organization_is_its_own_parent, "organization_not_own_parent",
                 "An organisation cannot be its own parent.", id="organization-not-own-parent"),
    pytest.param(_participation_of_nobody, "participation_has_someone",
                 "Choose a person, a post or an organisation.", id="participation-has-someone"),
    pytest.param(_organization_listed_twice_in_one_role, "meeting_organization_role_unique",
                 "This organisation is already listed in this role.", id="organization-role-unique"),
]


@pytest.mark.parametrize(("build", "constraint", "message"), CONSTRAINT_CASES)
def test_database_rejects_a_row_that_breaks_the_constraint(db, build, constraint, message):
    instance = build()
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


@pytest.mark.parametrize(("build", "constraint", "message"), CONSTRAINT_CASES)
def test_full_clean_explains_the_broken_constraint_in_words(db, build, constraint, message):
    messages = validation_messages(build())
    expected = gettext(message[0]) % message[1] if isinstance(message, tuple) else gettext(message)
    assert expected in messages
    # Django's fallback message names the constraint; a user must never see it.
    assert not any(constraint in text for text in messages), messages


def test_a_rejected_update_changes_nothing_in_the_database(db):
    meeting = factories.meeting(attendance_total=10, attendance_women=4, attendance_men=6)
    meeting.attendance_men = 7
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()
    meeting.refresh_from_db()
    assert (meeting.attendance_total, meeting.attendance_women, meeting.attendance_men) == (10, 4, 6)


def _progress_0():
    return Recommendation(meeting=factories.meeting(), order=1, text_ar="توصية", progress=0)


def _progress_100_implemented():
    return Recommendation(
        meeting=factories.meeting(), order=1, text_ar="توصية", status=Status.IMPLEMENTED, progress=100
    )


def _same_number_in_another_meeting():
    factories.recommendation(order=1)
    return Recommendation(meeting=factories.meeting(), order=1, text_ar="توصية")


def _attendance_exactly_total():
    return Meeting(title_ar="لقاء", date=DAY, attendance_total=10, attendance_women=4, attendance_men=6)


def _attendance_without_total():
    return Meeting(title_ar="لقاء", date=DAY, attendance_women=40, attendance_men=60)


def _attendance_women_only():
    return Meeting(title_ar="لقاء", date=DAY, attendance_total=10, attendance_women=10)


def _position_of_one_day():
    return Position(person=factories.person(), title_ar="مدير عام", start_date=DAY, end_date=DAY)


def _published_with_timestamp():
    return Meeting(title_ar="لقاء", date=DAY, status=Meeting.Status.PUBLISHED, published_at=timezone.now())


def _meeting_with_times_in_order():
    return Meeting(title_ar="لقاء", date=DAY, start_time=datetime.time(9, 0), end_time=datetime.time(12, 0))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(_progress_0, id="progress-0"),
        pytest.param(_progress_100_implemented, id="implemented-at-100"),
        pytest.param(_same_number_in_another_meeting, id="same-number-other-meeting"),
        pytest.param(_attendance_exactly_total, id="attendance-equals-total"),
        pytest.param(_attendance_without_total, id="attendance-without-total"),
        pytest.param(_attendance_women_only, id="attendance-women-only"),
        pytest.param(_position_of_one_day, id="position-one-day"),
        pytest.param(_published_with_timestamp, id="published-with-timestamp"),
        pytest.param(_meeting_with_times_in_order, id="times-in-order"),
    ],
)
def test_values_on_the_boundary_are_accepted(db, build):
    instance = build()
    instance.full_clean()
    instance.save()
    assert type(instance).objects.filter(pk=instance.pk).exists()


# --- Translations -------------------------------------------------------------


@pytest.mark.parametrize("english", [None, ""], ids=["english-null", "english-empty"])
def test_english_page_shows_arabic_when_there_is_no_translation(db, english):
    organization = factories.organization(name_ar="منظمة مساءلة لحقوق الانسان", name_en=english)
    meeting = factories.meeting(title_ar="لقاء تشاوري في مأرب", title_en=english, summary_ar="ملخص اللقاء", summary_en=english)
    with translation.override("en"):
        assert Organization.objects.get(pk=organization.pk).name == "منظمة مساءلة لحقوق الانسان"
        fresh = Meeting.objects.get(pk=meeting.pk)
        assert (fresh.title, fresh.summary) == ("لقاء تشاوري في مأرب", "ملخص اللقاء")


def test_english_page_shows_the_english_translation_when_there_is_one(db):
    organization = factories.organization(
        name_ar="منظمة مساءلة لحقوق الانسان", name_en="Musa'ala Organization for Human Rights"
    )
    fresh = Organization.objects.get(pk=organization.pk)
    assert fresh.name == "منظمة مساءلة لحقوق الانسان"
    with translation.override("en"):
        assert fresh.name == "Musa'ala Organization for Human Rights"


def test_saving_a_tag_in_english_does_not_copy_the_arabic_name_into_english(db):
    with translation.override("en"):
        tag = Tag.objects.create(name_ar="#مأرب")
    tag.refresh_from_db()
    assert (tag.name_ar, tag.name_en) == ("مأرب", None)


def test_a_tag_loses_its_hash_in_every_language(db):
    tag = Tag.objects.create(name_ar="#مشروع_ساند", name_en="#Sanad_project")
    tag.refresh_from_db()
    assert (tag.name_ar, tag.name_en, tag.slug) == ("مشروع_ساند", "Sanad_project", "مشروع_ساند")


@pytest.mark.parametrize(
    ("model", "fields", "arabic_field"),
    [
        (Organization, {"name_en": "Sada"}, "name_ar"),
        (Person, {"name_en": "A person"}, "name_ar"),
        (Project, {"name_en": "Sanad project"}, "name_ar"),
        (Tag, {"name_en": "Marib"}, "name_ar"),
        (Theme, {"name_en": "Coordination", "slug": "coordination"}, "name_ar"),
        (Meeting, {"title_en": "Consultative meeting", "date": DAY}, "title_ar"),
        (Recommendation, {"text_en": "Strengthen coordination"}, "text_ar"),
        (Position, {"title_en": "Director-General"}, "title_ar"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_arabic_is_required_english_alone_is_not_enough(db, model, fields, arabic_field):
    with pytest.raises(ValidationError) as excinfo:
        model(**fields).full_clean()
    assert arabic_field in excinfo.value.error_dict


def test_arabic_alone_is_enough(db):
    Organization(name_ar="منظمة صدى").full_clean()
    Meeting(title_ar="لقاء تشاوري", date=DAY).full_clean()


# --- Recommendation status and its follow-up timeline -------------------------


def test_set_status_records_an_update_and_moves_status_and_progress(db):
    recommendation = factories.recommendation()
    update = recommendation.set_status(
        Status.IN_PROGRESS, progress=40, note="بدأ التنفيذ", on=datetime.date(2023, 1, 10)
    )
    assert list(recommendation.updates.all()) == [update]
    assert (update.status, update.progress, update.note, update.date) == (
        Status.IN_PROGRESS, 40, "بدأ التنفيذ", datetime.date(2023, 1, 10)
    )
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 40)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 40)


def test_set_status_implemented_means_full_progress(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.IN_PROGRESS, progress=30)
    recommendation.set_status(Status.IMPLEMENTED)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.IMPLEMENTED, 100)


def test_set_status_keeps_progress_when_none_is_given(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.IN_PROGRESS, progress=30, on=datetime.date(2023, 1, 1))
    recommendation.set_status(Status.PARTIAL, on=datetime.date(2023, 2, 1))
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.PARTIAL, 30)


@pytest.mark.parametrize(
    ("status", "progress"),
    [("finished", None), (Status.IN_PROGRESS, 150), (Status.IMPLEMENTED, 50)],
    ids=["unknown-status", "progress-over-100", "implemented-below-100"],
)
def test_set_status_with_bad_input_raises_and_changes_nothing(db, status, progress):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.ACCEPTED, progress=10)
    with pytest.raises(ValidationError):
        recommendation.set_status(status, progress=progress)
    recommendation.refresh_from_db()
    assert recommendation.updates.count() == 1
    assert (recommendation.status, recommendation.progress) == (Status.ACCEPTED, 10)


def test_a_back_dated_update_does_not_override_a_newer_one(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.PARTIAL, progress=70, on=datetime.date(2023, 6, 1))
    recommendation.set_status(Status.ACCEPTED, progress=0, on=datetime.date(2023, 1, 1))
    assert (recommendation.status, recommendation.progress) == (Status.PARTIAL, 70)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.PARTIAL, 70)
    assert [u.status for u in recommendation.updates.all()] == [Status.PARTIAL, Status.ACCEPTED]


def test_of_two_updates_on_the_same_day_the_later_one_counts(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.ACCEPTED, on=DAY)
    recommendation.set_status(Status.IN_PROGRESS, progress=20, on=DAY)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 20)


def test_deleting_the_latest_update_reverts_to_the_previous_one(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.IN_PROGRESS, progress=40, on=datetime.date(2023, 1, 1))
    latest = recommendation.set_status(Status.IMPLEMENTED, on=datetime.date(2023, 5, 1))
    latest.delete()
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 40)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 40)


def test_deleting_the_only_update_returns_the_recommendation_to_proposed(db):
    recommendation = factories.recommendation()
    only = recommendation.set_status(Status.IMPLEMENTED)
    only.delete()
    # The instance in hand agrees with the database, so saving it later
    # cannot bring back a status that no update explains.
    assert (recommendation.status, recommendation.progress) == (Status.PROPOSED, 0)
    recommendation.save()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.PROPOSED, 0)


def test_saving_a_recommendation_cannot_contradict_its_latest_update(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.IN_PROGRESS, progress=40)
    stale = Recommendation.objects.get(pk=recommendation.pk)
    stale.status, stale.progress, stale.text_ar = Status.IMPLEMENTED, 100, "نص معدل"
    stale.save()
    stale.refresh_from_db()
    assert (stale.status, stale.progress, stale.text_ar) == (Status.IN_PROGRESS, 40, "نص معدل")


def test_queryset_update_is_not_the_way_but_the_next_save_repairs_it(db):
    """A bulk update bypasses save(); the next save() puts the timeline's status back."""
    recommendation = factories.recommendation()
    recommendation.set_status(Status.ACCEPTED, progress=10)
    Recommendation.objects.filter(pk=recommendation.pk).update(status=Status.NOT_IMPLEMENTED)
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    recommendation.save()
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ACCEPTED


def test_without_updates_a_recommendation_keeps_the_status_it_was_given(db):
    recommendation = factories.recommendation(status=Status.ACCEPTED, progress=10)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.ACCEPTED, 10)


def test_an_update_created_directly_keeps_the_recommendation_in_sync(db):
    recommendation = factories.recommendation()
    RecommendationUpdate.objects.create(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        status=Status.PARTIAL,
        progress=60,
        date=datetime.date(2023, 3, 1),
        review_state=RecommendationUpdate.Review.APPROVED,
    )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.PARTIAL, 60)


def test_an_update_awaiting_review_does_not_move_the_recommendation(db):
    recommendation = factories.recommendation()
    recommendation.set_status(Status.ACCEPTED, progress=10, on=datetime.date(2023, 1, 1))
    pending = RecommendationUpdate.objects.create(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        status=Status.PARTIAL,
        progress=60,
        date=datetime.date(2023, 3, 1),
    )
    assert pending.review_state == RecommendationUpdate.Review.PENDING  # the default
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.ACCEPTED, 10)
    assert recommendation.latest_update().status == Status.ACCEPTED
    pending.review_state = RecommendationUpdate.Review.APPROVED
    pending.save()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.PARTIAL, 60)


def test_editing_the_latest_update_moves_the_recommendation(db):
    recommendation = factories.recommendation()
    update = recommendation.set_status(Status.IN_PROGRESS, progress=20)
    update = RecommendationUpdate.objects.get(pk=update.pk)
    update.progress = 55
    update.save()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Status.IN_PROGRESS, 55)


# --- What the public may see -----------------------------------------------------

PUBLISHED, DRAFT, REVIEW, ARCHIVED = (
    Meeting.Status.PUBLISHED,
    Meeting.Status.DRAFT,
    Meeting.Status.REVIEW,
    Meeting.Status.ARCHIVED,
)
ALL_STATUSES = [PUBLISHED, DRAFT, REVIEW, ARCHIVED]


def meeting_in(status, **fields):
    """A meeting in ``status``; an archived one was published first, as in real life."""
    if status == PUBLISHED:
        return factories.meeting(published=True, **fields)
    if status == ARCHIVED:
        meeting = factories.meeting(published=True, **fields)
        meeting.status = ARCHIVED
        meeting.save()
        return meeting
    return factories.meeting(status=status, **fields)


def test_only_published_meetings_are_published(db):
    meetings = {status: meeting_in(status) for status in ALL_STATUSES}
    assert list(Meeting.objects.published()) == [meetings[PUBLISHED]]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_recommendations_are_published_only_with_their_meeting(db, status):
    recommendation = factories.recommendation(meeting_in(status))
    assert Recommendation.objects.published().filter(pk=recommendation.pk).exists() is (status == PUBLISHED)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_participations_are_published_only_with_their_meeting(db, status):
    participation = factories.participation(meeting_in(status), organization=factories.organization())
    assert Participation.objects.published().filter(pk=participation.pk).exists() is (status == PUBLISHED)


def _involved(meeting, organization):
    factories.involvement(meeting, organization, role=MeetingOrganization.Role.PARTNER)


def _represented(meeting, organization):
    factories.participation(meeting, organization=organization)


def _addressed(meeting, organization):
    factories.recommendation(meeting).addressees.add(organization)


def _implementer(meeting, organization):
    project = factories.project()
    project.implementers.add(organization)
    meeting.project = project
    meeting.save()


def _donor(meeting, organization):
    project = factories.project()
    project.donors.add(organization)
    meeting.project = project
    meeting.save()


@pytest.mark.parametrize("link", [_involved, _represented, _addressed, _implementer, _donor],
                         ids=lambda link: link.__name__.strip("_"))
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_organisations_are_published_only_through_a_published_meeting(db, status, link):
    organization = factories.organization()
    link(meeting_in(status), organization)
    assert Organization.objects.published().filter(pk=organization.pk).exists() is (status == PUBLISHED)


def test_an_organisation_in_many_published_meetings_is_listed_once(db):
    organization = factories.organization()
    for _ in range(2):
        meeting = meeting_in(PUBLISHED)
        _involved(meeting, organization)
        _addressed(meeting, organization)
    assert list(Organization.objects.published()) == [organization]


def test_an_organisation_known_from_no_meeting_is_not_published(db):
    factories.organization()
    assert not Organization.objects.published().exists()


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_projects_are_published_only_through_a_published_meeting(db, status):
    project = factories.project()
    meeting_in(status, project=project)
    assert Project.objects.published().filter(pk=project.pk).exists() is (status == PUBLISHED)


def test_only_people_marked_public_are_public(db):
    official = factories.person(public=True)
    factories.person(public=False)
    assert list(Person.objects.public()) == [official]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_a_public_person_is_published_only_through_a_published_meeting(db, status):
    official = factories.person(public=True)
    factories.participation(meeting_in(status), official)
    assert Person.objects.published().filter(pk=official.pk).exists() is (status == PUBLISHED)


def test_a_protected_person_is_never_published(db):
    defender = factories.person(public=False)
    factories.participation(meeting_in(PUBLISHED), defender)
    assert not Person.objects.published().filter(pk=defender.pk).exists()


def test_publish_stamps_once_and_unpublish_withdraws(db):
    meeting = factories.meeting()
    meeting.publish()
    first = meeting.published_at
    assert first is not None and meeting.is_published
    meeting.publish()
    meeting.refresh_from_db()
    assert meeting.published_at == first
    meeting.unpublish()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (DRAFT, None)
    assert not Meeting.objects.published().exists()


# --- Slugs ------------------------------------------------------------------------


def test_an_arabic_name_gives_a_readable_arabic_slug(db):
    organization = factories.organization(name_ar="منظمة مساءلة لحقوق الانسان")
    assert organization.slug == "منظمة-مساءلة-لحقوق-الانسان"


def test_slugs_drop_arabic_diacritics_and_punctuation(db):
    assert unique_slug(Organization(), "مَأْرِب: «اللقاء» التشاوري!") == "مأرب-اللقاء-التشاوري"


def test_the_same_arabic_name_gets_a_numbered_slug(db):
    slugs = [factories.organization(name_ar="المنظمة الوطنية للإعلاميين اليمنيين").slug for _ in range(3)]
    assert slugs == [
        "المنظمة-الوطنية-للإعلاميين-اليمنيين",
        "المنظمة-الوطنية-للإعلاميين-اليمنيين-2",
        "المنظمة-الوطنية-للإعلاميين-اليمنيين-3",
    ]


def test_a_row_does_not_clash_with_its_own_slug(db):
    organization = factories.organization(name_ar="منظمة صدى")
    assert unique_slug(organization, "منظمة صدى") == organization.slug


def test_a_long_arabic_title_gives_a_bounded_unique_slug(db):
    title = "اللقاء التشاوري الموسع بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان " * 3
    first = factories.meeting(title_ar=title[:300])
    second = factories.meeting(title_ar=title[:300])
    assert first.slug.startswith("2022-11-26-اللقاء-التشاوري-الموسع")
    assert len(first.slug) <= SLUG_MAX_LENGTH and len(second.slug) <= SLUG_MAX_LENGTH
    assert second.slug != first.slug and second.slug.endswith("-2")


def test_a_title_without_letters_still_gets_a_slug(db):
    assert unique_slug(Project(), "؟؟ !! ،،") == "item"


def test_a_hashtag_keeps_its_underscore_in_the_slug(db):
    assert Tag.objects.create(name_ar="#مشروع_ساند").slug == "مشروع_ساند"


# --- Posts held on the day of a meeting -------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "held"),
    [
        (None, None, True),
        (datetime.date(2020, 1, 1), None, True),
        (DAY, None, True),
        (datetime.date(2022, 11, 27), None, False),
        (None, DAY, True),
        (None, datetime.date(2022, 11, 25), False),
        (datetime.date(2021, 1, 1), datetime.date(2022, 12, 31), True),
        (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31), False),
    ],
)
def test_a_post_is_held_between_its_start_and_end_dates_inclusive(start, end, held):
    assert Position(title_ar="مدير عام", start_date=start, end_date=end).held_on(DAY) is held


def test_participation_in_a_post_held_that_day_is_valid(db):
    post = factories.position(start_date=datetime.date(2020, 1, 1))
    participation = Participation(meeting=factories.meeting(date=DAY), person=post.person, position=post)
    participation.full_clean()


def test_participation_cannot_use_another_persons_post(db):
    participation = Participation(
        meeting=factories.meeting(), person=factories.person(), position=factories.position()
    )
    assert validation_messages(participation) == [gettext("This post belongs to another person.")]


def test_participation_cannot_use_a_post_not_held_that_day(db):
    post = factories.position(start_date=datetime.date(2023, 1, 1))
    participation = Participation(meeting=factories.meeting(date=DAY), person=post.person, position=post)
    assert validation_messages(participation) == [gettext("This post was not held on the day of the meeting.")]


def test_a_later_post_does_not_rewrite_old_minutes(db):
    """A new post is a new Position: the old participation still shows the post held that day."""
    official = factories.person(public=True)
    old = factories.position(official, "مدير عام المعلومات والإحصاء", end_date=datetime.date(2023, 5, 31))
    participation = factories.participation(factories.meeting(date=DAY), position_obj=old)
    factories.position(official, "وكيل المحافظة", start_date=datetime.date(2023, 6, 1))
    participation.refresh_from_db()
    assert "مدير عام المعلومات والإحصاء" in participation.public_label()
    assert "وكيل المحافظة" not in participation.public_label()


# --- Names of protected people never leave the building ------------------------


@pytest.fixture
def defender(db):
    return factories.person(name_ar="سلمى المدافعة", name_en="Salma the defender", public=False)


def _everything_public_about(participation):
    return " | ".join(
        [str(participation.public_name or ""), participation.public_label(), str(participation)]
    )


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("with_post", [True, False], ids=["with-post", "without-post"])
@pytest.mark.parametrize("with_organisation", [True, False], ids=["with-org", "without-org"])
def test_a_protected_persons_name_is_never_shown(defender, language, with_post, with_organisation):
    organization = factories.organization(name_ar="شبكة الرصد", name_en="Monitoring network")
    post = factories.position(defender, "منسقة الرصد", organization=organization) if with_post else None
    participation = factories.participation(
        factories.meeting(published=True),
        defender,
        post,
        organization=organization if with_organisation else None,
    )
    with translation.override(language):
        participation = Participation.objects.get(pk=participation.pk)
        shown = _everything_public_about(participation)
        assert participation.public_name is None
        assert "سلمى" not in shown and "Salma" not in shown
        assert shown.strip(" |")  # something is shown: the post, the organisation or "a participant"
    if with_post:
        assert "منسقة الرصد" in participation.public_label()
    elif with_organisation:
        assert "شبكة الرصد" in participation.public_label()


def test_a_public_official_is_named_with_the_post_held(db):
    official = factories.person(name_ar="عبدربه حليس", public=True)
    office = factories.organization(name_ar="ديوان عام محافظة مأرب")
    post = factories.position(official, "مدير عام المعلومات والإحصاء بديوان عام المحافظة", organization=office)
    participation = factories.participation(factories.meeting(), position_obj=post)
    assert participation.public_name == "عبدربه حليس"
    assert participation.public_label() == (
        "عبدربه حليس — مدير عام المعلومات والإحصاء بديوان عام المحافظة — ديوان عام محافظة مأرب"
    )


def test_marking_a_person_protected_hides_the_name_at_once(db):
    person = factories.person(name_ar="عبدربه جديع", public=True)
    participation = factories.participation(factories.meeting(), person)
    assert participation.public_name == "عبدربه جديع"
    Person.objects.filter(pk=person.pk).update(visibility=Person.Visibility.PROTECTED)
    participation = Participation.objects.get(pk=participation.pk)
    assert participation.public_name is None
    assert "عبدربه جديع" not in participation.public_label()


def test_a_much_used_name_gets_the_next_free_number_in_a_few_queries(db):
    """The smallest free suffix, found in batches: not one query per taken number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    name = "جمعية التنمية"
    taken = ["جمعية-التنمية"] + [f"جمعية-التنمية-{n}" for n in range(2, 301) if n != 150]
    Organization.objects.bulk_create(Organization(name_ar=name, name=name, slug=slug) for slug in taken)
    with CaptureQueriesContext(connection) as queries:
        slug = unique_slug(Organization(), name)
    assert slug == "جمعية-التنمية-150"  # a gap is filled first, as before
    assert len(queries) <= 4, [query["sql"] for query in queries]
    Organization.objects.create(name_ar=name, slug=slug)
    assert unique_slug(Organization(), name) == "جمعية-التنمية-301"
