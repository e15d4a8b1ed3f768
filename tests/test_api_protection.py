"""The API goes through the same publication and protection rules as the pages: a client
that guesses ids reaches nothing of a draft, no protected person, no pending organisation,
no unreviewed follow-up, in any endpoint (its own, Popolo or Open Civic Data)."""

import datetime

import pytest

from meetings.models import Meeting, Recommendation
from tests import factories
from tests.portal import PortalClient, api_crawl

pytestmark = pytest.mark.django_db

HIDDEN = [Meeting.Status.DRAFT, Meeting.Status.REVIEW, Meeting.Status.ARCHIVED]
SECRET_PERSON = "مدافعة محمية عن الحقوق"
PENDING_ORGANISATION = "جمعية بانتظار التأكيد"


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def world():
    published = factories.full_meeting("الاجتماع المنشور", date=datetime.date(2022, 11, 26))
    hidden = {status: factories.full_meeting(f"اجتماع {status}", published=False, status=status) for status in HIDDEN}
    # A protected defender who spoke at the published meeting, with a post.
    defender = factories.person(SECRET_PERSON, name_en="Protected Defender")
    post = factories.position(defender, "منسقة الرصد")
    factories.participation(published, person_obj=defender, position_obj=post)
    # A pending organisation named by a draft, and a follow-up update waiting for review.
    pending = factories.organization(PENDING_ORGANISATION, is_pending=True)
    factories.involvement(hidden[Meeting.Status.REVIEW], pending)
    recommendation = published.recommendations.get()
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="تحديث لم يراجع بعد", pending=True)
    return published, hidden, defender, pending


def ids_of(meeting):
    """Every record of ``meeting`` by endpoint: what a client would guess."""
    recommendation = meeting.recommendations.get()
    return {
        "meetings": [meeting.pk],
        "ocd/events": [meeting.pk],
        "recommendations": [recommendation.pk],
        "organizations": [each.organization_id for each in meeting.involvements.all()],
        "popolo/organizations": [each.organization_id for each in meeting.involvements.all()],
        "projects": [meeting.project_id],
        "themes": [recommendation.theme_id],
        "tags": [tag.pk for tag in meeting.tags.all()],
        "people": [each.person_id for each in meeting.participations.all()],
        "popolo/persons": [each.person_id for each in meeting.participations.all()],
        "popolo/posts": [each.position_id for each in meeting.participations.all()],
        "popolo/memberships": [each.position_id for each in meeting.participations.all()],
    }


@pytest.mark.parametrize("status", HIDDEN)
def test_every_record_known_only_from_an_unpublished_meeting_is_404_by_id(client, world, status):
    _published, hidden, _defender, _pending = world
    for endpoint, ids in ids_of(hidden[status]).items():
        for pk in ids:
            response = client.get(f"/api/v1/{endpoint}/{pk}/")
            assert response.status_code == 404, (endpoint, pk)
            assert response.json()["detail"]["ar"]


def test_the_published_meeting_s_records_are_reachable_by_id(client, world):
    """The control for the test above: the same probes do find published records."""
    published, _hidden, _defender, _pending = world
    for endpoint, ids in ids_of(published).items():
        reachable = [client.get(f"/api/v1/{endpoint}/{pk}/").status_code for pk in ids]
        assert 200 in reachable, endpoint


def test_a_protected_person_is_unreachable_and_never_named(client, world):
    _published, _hidden, defender, _pending = world
    post = defender.positions.get()
    for endpoint, pk in [("people", defender.pk), ("popolo/persons", defender.pk),
                         ("popolo/posts", post.pk), ("popolo/memberships", post.pk)]:
        assert client.get(f"/api/v1/{endpoint}/{pk}/").status_code == 404, endpoint
    for path, response in api_crawl(client).items():
        body = response.content.decode()
        assert SECRET_PERSON not in body and "Protected Defender" not in body, path


def test_a_protected_person_appears_by_post_only(client, world):
    published, _hidden, _defender, _pending = world
    participants = client.get(f"/api/v1/meetings/{published.pk}/").json()["participants"]
    by_post = [each for each in participants if each["post"] and each["post"]["title"]["ar"] == "منسقة الرصد"]
    assert by_post and by_post[0]["person"] is None


def test_a_pending_organisation_is_unreachable(client, world):
    _published, _hidden, _defender, pending = world
    for endpoint in ("organizations", "popolo/organizations"):
        assert client.get(f"/api/v1/{endpoint}/{pending.pk}/").status_code == 404
    for path, response in api_crawl(client).items():
        assert PENDING_ORGANISATION not in response.content.decode(), path


def test_an_unreviewed_follow_up_is_never_shown(client, world):
    published, _hidden, _defender, _pending = world
    recommendation = published.recommendations.get()
    pages = api_crawl(client)
    assert f"/api/v1/recommendations/{recommendation.pk}/" in pages
    for path, response in pages.items():
        assert "تحديث لم يراجع بعد" not in response.content.decode(), path
    assert client.get(f"/api/v1/recommendations/{recommendation.pk}/").json()["status"] == "in_progress"


def test_filters_by_a_record_known_only_from_a_draft_find_nothing(client, world):
    _published, hidden, _defender, pending = world
    draft = hidden[Meeting.Status.DRAFT]
    for query in (f"project={draft.project.slug}", f"tag={draft.tags.get().slug}",
                  f"organization={pending.slug}"):
        response = client.get(f"/api/v1/meetings/?{query}")
        assert response.status_code == 400, query  # an unknown value, as on the pages
        assert draft.title_ar not in response.content.decode()


def test_staff_signed_in_see_exactly_the_public_data(client, world):
    _published, hidden, _defender, _pending = world
    draft = hidden[Meeting.Status.DRAFT]
    organiser = draft.involvements.get(role="organiser").organization
    editor = factories.staff(organization_obj=organiser)
    client.force_login(editor)
    assert client.get(f"/api/v1/meetings/{draft.pk}/").status_code == 404
    assert draft.title_ar not in client.get("/api/v1/meetings/").content.decode()
