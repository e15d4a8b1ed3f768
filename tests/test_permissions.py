"""The permission matrix: every staff URL × every role × method → the expected answer.

Roles: anonymous; a signed-in user of no organisation ("nobody"); an editor and a
reviewer of the organisation that organises the meeting; an editor and a reviewer
of another organisation; an administrator (by membership role) and a superuser.
Wherever the answer is a refusal, nothing in the database may have changed.
"""

from dataclasses import dataclass
from typing import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import (
    Attachment,
    Meeting,
    MeetingEvent,
    Organization,
    Person,
    RecommendationUpdate,
)
from meetings.services import attachment_add
from tests import factories
from tests.staff_helpers import fast_passwords, make_world, media_root, pdf_bytes  # noqa: F401

ROLES = ["anonymous", "nobody", "editor", "reviewer", "other_editor", "other_reviewer", "administrator", "superuser"]
LOGIN = "login"  # a redirect to the login page


def staff_page(ok=200, *, other=404, editor=None, reviewer=None, administrator=None):
    """Expectations for a page of a meeting of our organisation."""
    return {
        "anonymous": LOGIN,
        "nobody": 403,
        "editor": ok if editor is None else editor,
        "reviewer": ok if reviewer is None else reviewer,
        "other_editor": other,
        "other_reviewer": other,
        "administrator": ok if administrator is None else administrator,
        "superuser": ok if administrator is None else administrator,
    }


def everyone(status):
    return dict.fromkeys(ROLES, status)


def own_meeting(world, **fields):
    return world.meeting(**fields)


def attachment_of(meeting, *, is_public):
    return attachment_add(
        meeting=meeting,
        file=SimpleUploadedFile("minutes.pdf", pdf_bytes(), content_type="application/pdf"),
        kind=Attachment.Kind.MINUTES,
        title="المحضر",
        is_public=is_public,
        by=None,
    )


def recommendation_addressed_to_us(world, *, published):
    meeting = world.other_meeting(published=published)
    recommendation = factories.recommendation(meeting)
    recommendation.addressees.add(world.org)
    return recommendation


@dataclass
class Case:
    name: str
    method: str
    url: Callable  # world -> URL (building what it needs)
    expected: dict
    data: dict | None = None


CASES = [
    Case("dashboard", "get", lambda w: reverse("staff:dashboard"), staff_page(other=200)),
    Case("meeting-list", "get", lambda w: reverse("staff:meeting_list"), staff_page(other=200)),
    Case("create-form", "get", lambda w: reverse("staff:meeting_create"), staff_page(other=200)),
    Case("create-post-invalid", "post", lambda w: reverse("staff:meeting_create"), staff_page(other=200), {"title_ar": ""}),
    Case("detail", "get", lambda w: reverse("staff:meeting_detail", args=[own_meeting(w).pk]), staff_page()),
    Case(
        "detail-of-another-organisation",
        "get",
        lambda w: reverse("staff:meeting_detail", args=[w.other_meeting().pk]),
        {**staff_page(404, other=200), "administrator": 200, "superuser": 200},
    ),
    Case("edit-draft", "get", lambda w: reverse("staff:meeting_edit", args=[own_meeting(w).pk]), staff_page()),
    Case(
        "edit-draft-post-invalid",
        "post",
        lambda w: reverse("staff:meeting_edit", args=[own_meeting(w).pk]),
        staff_page(),
        {"version": "1", "title_ar": ""},
    ),
    Case(
        "edit-in-review",
        "get",
        lambda w: reverse("staff:meeting_edit", args=[own_meeting(w, status="review").pk]),
        staff_page(editor=403),
    ),
    Case(
        "edit-in-review-post",
        "post",
        lambda w: reverse("staff:meeting_edit", args=[own_meeting(w, status="review").pk]),
        staff_page(editor=409),
        {"version": "1", "title_ar": ""},
    ),
    Case(
        "edit-published",
        "get",
        lambda w: reverse("staff:meeting_edit", args=[own_meeting(w, published=True).pk]),
        staff_page(editor=403),
    ),
    Case("submit", "post", lambda w: reverse("staff:meeting_submit", args=[own_meeting(w).pk]), staff_page(302)),
    Case(
        "publish",
        "post",
        lambda w: reverse("staff:meeting_publish", args=[own_meeting(w, status="review").pk]),
        staff_page(302, editor=403),
    ),
    Case(
        "publish-by-get",
        "get",
        lambda w: reverse("staff:meeting_publish", args=[own_meeting(w, status="review").pk]),
        everyone(405),
    ),
    Case(
        "return",
        "post",
        lambda w: reverse("staff:meeting_return", args=[own_meeting(w, status="review").pk]),
        staff_page(302, editor=403),
        {"comment": "أكمل قائمة المشاركين"},
    ),
    Case(
        "unpublish",
        "post",
        lambda w: reverse("staff:meeting_unpublish", args=[own_meeting(w, published=True).pk]),
        staff_page(302, editor=403),
    ),
    Case("history", "get", lambda w: reverse("staff:meeting_history", args=[own_meeting(w).pk]), staff_page()),
    Case(
        "restore",
        "post",
        lambda w: reverse(
            "staff:meeting_restore", args=[(m := own_meeting(w)).pk, m.history.earliest("history_date").history_id]
        ),
        staff_page(302, editor=403, reviewer=403),
    ),
    Case(
        "follow-up-form",
        "get",
        lambda w: reverse("staff:recommendation_follow_up", args=[factories.recommendation(own_meeting(w)).pk]),
        staff_page(),
    ),
    Case(
        "follow-up-post-invalid",
        "post",
        lambda w: reverse("staff:recommendation_follow_up", args=[factories.recommendation(own_meeting(w)).pk]),
        staff_page(),
        {"status": "no-such-status"},
    ),
    Case(
        "follow-up-addressed-to-us-published",
        "get",
        lambda w: reverse("staff:recommendation_follow_up", args=[recommendation_addressed_to_us(w, published=True).pk]),
        staff_page(200, other=200),
    ),
    Case(
        "follow-up-addressed-to-us-unpublished",
        "get",
        lambda w: reverse(
            "staff:recommendation_follow_up", args=[recommendation_addressed_to_us(w, published=False).pk]
        ),
        {**staff_page(404, other=200), "administrator": 200, "superuser": 200},
    ),
    Case(
        "staff-attachment",
        "get",
        lambda w: reverse("staff:attachment", args=[attachment_of(own_meeting(w), is_public=False).key]),
        staff_page(),
    ),
    Case(
        "public-attachment-private-file",
        "get",
        lambda w: attachment_of(own_meeting(w, published=True), is_public=False).get_absolute_url(),
        everyone(404),
    ),
    Case(
        "public-attachment-of-a-draft",
        "get",
        lambda w: attachment_of(own_meeting(w), is_public=True).get_absolute_url(),
        everyone(404),
    ),
    Case(
        "public-attachment",
        "get",
        lambda w: attachment_of(own_meeting(w, published=True), is_public=True).get_absolute_url(),
        everyone(200),
    ),
    Case("login-page", "get", lambda w: reverse("login"), everyone(200)),
    Case("password-reset-page", "get", lambda w: reverse("password_reset"), everyone(200)),
]

MATRIX = [pytest.param(case, role, id=f"{case.name}-{role}") for case in CASES for role in ROLES]


def database_state():
    """Everything a refused request could have changed."""
    return (
        list(Meeting.objects.order_by("pk").values_list("pk", "status", "version", "title_ar", "published_at")),
        MeetingEvent.objects.count(),
        RecommendationUpdate.objects.count(),
        list(Attachment.objects.order_by("pk").values_list("pk", "is_public")),
        Organization.objects.count(),
        Person.objects.count(),
    )


@pytest.mark.parametrize("case, role", MATRIX)
def test_permission_matrix(client, db, fast_passwords, media_root, case, role):  # noqa: F811
    world = make_world()
    url = case.url(world)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = database_state()

    response = getattr(client, case.method)(url, case.data or {})

    expected = case.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{case.name} as {role}"
    if expected == 302:
        assert database_state() != before, f"{case.name} as {role} should have changed something"
    else:
        # Refusals, pages, and forms sent back with errors change nothing.
        assert database_state() == before, f"{case.name} as {role} changed the database"
