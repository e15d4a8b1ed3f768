"""The permission matrix: every staff URL (read from the URL conf) × method × role → the expected answer.

Roles are held in an organisation and count only there. Each record below
belongs to "our" organisation; the roles are: an editor, a reviewer and an
administrator of it; the same three roles in another organisation; a
signed-in user of no organisation ("nobody"); an anonymous visitor; a
superuser. Every URL pattern of the ``staff`` namespace must have a rule for
GET and for POST here, or :func:`test_every_staff_url_has_a_rule` fails: a new
URL cannot be added without deciding who may use it. Wherever the answer is a
refusal, nothing in the database may have changed.
"""

import itertools
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from meetings.members import invitation_token_generator
from meetings.models import (
    Attachment,
    Meeting,
    MeetingEvent,
    Membership,
    Organization,
    Person,
    RecommendationUpdate,
    SecurityEvent,
)
from meetings.services import attachment_add
from tests import factories
from tests.staff_helpers import fast_passwords, make_world, media_root, pdf_bytes  # noqa: F401

SAME = ["editor", "reviewer", "administrator"]
OTHER = ["other_editor", "other_reviewer", "other_administrator"]
ROLES = ["anonymous", "nobody", *SAME, *OTHER, "superuser"]
LOGIN = "login"  # a redirect to the login page
NOOP = "redirect, nothing changed"  # the workflow refused with a message: a redirect back, nothing written
METHODS = ("get", "post")


def rule(ok=200, *, editor=None, reviewer=None, administrator=None, other=404, nobody=403, superuser=None):
    """Expectations for a staff URL about a record of our organisation."""
    same = {"editor": editor, "reviewer": reviewer, "administrator": administrator}
    expected = {role: ok if value is None else value for role, value in same.items()}
    expected.update(dict.fromkeys(OTHER, other))
    expected.update(
        anonymous=LOGIN,
        nobody=nobody,
        superuser=superuser if superuser is not None else expected["administrator"],
    )
    return expected


def everyone(status):
    return dict.fromkeys(ROLES, status)


def administrators_only(ok):
    """An organisation's member management: its administrators and superusers; 404 for everyone else who is staff."""
    return rule(404, administrator=ok, superuser=ok)


# --- What the URLs need -----------------------------------------------------------


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


def membership_of_our_editor(world):
    return Membership.objects.get(user=world.editor, organization=world.org)


_invitees = itertools.count(1)


def invitation_url(world, *, valid=True):
    invitee = factories.user(f"invitee{next(_invitees)}", email="invitee@example.org")
    invitee.set_unusable_password()
    invitee.save()
    token = invitation_token_generator.make_token(invitee) if valid else "cz0w4k-0123456789abcdef0123456789abcdef"
    return reverse("staff:invitation_accept", args=[urlsafe_base64_encode(force_bytes(invitee.pk)), token])


def pending_update(world):
    """A follow-up update our editor recorded on a recommendation of our published meeting: it waits for review."""
    from meetings.services import recommendation_follow_up_record

    recommendation = factories.recommendation(own_meeting(world, published=True))
    return recommendation_follow_up_record(
        recommendation=recommendation, by=world.editor, status="in_progress", progress=40, note_ar="بدأ التنفيذ"
    )


def pending_organization(world):
    """An organisation typed into our meeting's form, awaiting a reviewer's confirmation."""
    from meetings.services import organization_create

    organization = organization_create(name=f"جمعية جديدة {next(_invitees)}", by=world.editor)
    factories.involvement(own_meeting(world), organization, role="partner")
    return organization


def editors_upload(world, *, imported=False):
    """A file our editor sent for import into our organisation (imported already if ``imported``)."""
    from imports.models import ImportUpload
    from imports.planning import plan_import
    from imports.reading import read_files
    from imports.writing import records_import

    content = "مرجع الاجتماع,العنوان,التاريخ\nM-1,لقاء مستورد,2022-11-26\n".encode()
    sheets, digest = read_files([("meetings.csv", content)])
    upload = ImportUpload.objects.create(
        user=world.editor, organization=world.org, file_name="meetings.csv", sha256=digest, sheets=sheets
    )
    if imported:
        records_import(plan=plan_import(sheets=sheets, organization=world.org, user=world.editor), upload=upload)
    return upload


def upload_url(name, **options):
    return lambda w: reverse(name, args=[editors_upload(w, **options).key])


# The preview, confirmation and result of an upload: its sender only (404 for everyone else,
# superusers included: an upload is private to the user who sent it).
def sender_only(ok):
    return rule(404, editor=ok, nobody=403, superuser=404)


# --- The rules ----------------------------------------------------------------------


@dataclass
class Case:
    url_name: str  # "staff:…", or another name for the extra cases
    method: str
    url: Callable  # world -> URL (building what it needs)
    expected: dict
    data: dict | None = None
    variant: str = ""

    @property
    def id(self):
        return f"{self.url_name}-{self.method}{'-' + self.variant if self.variant else ''}"


def meeting_url(name, **fields):
    return lambda w: reverse(name, args=[own_meeting(w, **fields).pk])


CASES = [
    # Pages of the workspace as a whole.
    Case("staff:dashboard", "get", lambda w: reverse("staff:dashboard"), rule(other=200)),
    Case("staff:dashboard", "post", lambda w: reverse("staff:dashboard"), everyone(405)),
    Case("staff:meeting_list", "get", lambda w: reverse("staff:meeting_list"), rule(other=200)),
    Case("staff:meeting_list", "post", lambda w: reverse("staff:meeting_list"), everyone(405)),
    Case("staff:meeting_create", "get", lambda w: reverse("staff:meeting_create"), rule(other=200)),
    Case(
        "staff:meeting_create", "post", lambda w: reverse("staff:meeting_create"), rule(other=200), {"title_ar": ""},
        variant="invalid",
    ),
    # The meeting form's picker look-ups: any member (what they offer depends on who asks).
    Case("staff:pick_organizations", "get", lambda w: reverse("staff:pick_organizations") + "?q=منظمة", rule(other=200)),
    Case("staff:pick_organizations", "post", lambda w: reverse("staff:pick_organizations"), everyone(405)),
    Case("staff:pick_people", "get", lambda w: reverse("staff:pick_people") + "?q=شخص", rule(other=200)),
    Case("staff:pick_people", "post", lambda w: reverse("staff:pick_people"), everyone(405)),
    # One meeting.
    Case("staff:meeting_detail", "get", meeting_url("staff:meeting_detail"), rule()),
    Case("staff:meeting_detail", "post", meeting_url("staff:meeting_detail"), everyone(405)),
    Case("staff:meeting_edit", "get", meeting_url("staff:meeting_edit"), rule(), variant="draft"),
    Case("staff:meeting_edit", "get", meeting_url("staff:meeting_edit", status="review"), rule(editor=403), variant="review"),
    Case(
        "staff:meeting_edit", "get", meeting_url("staff:meeting_edit", published=True), rule(editor=403), variant="published"
    ),
    Case(
        "staff:meeting_edit", "post", meeting_url("staff:meeting_edit"), rule(), {"version": "1", "title_ar": ""},
        variant="draft-invalid",
    ),
    Case(
        "staff:meeting_edit", "post", meeting_url("staff:meeting_edit", status="review"), rule(editor=409),
        {"version": "1", "title_ar": ""}, variant="review",
    ),
    # The workflow.
    Case("staff:meeting_submit", "post", meeting_url("staff:meeting_submit"), rule(302)),
    Case("staff:meeting_submit", "get", meeting_url("staff:meeting_submit"), everyone(405)),
    Case(
        "staff:meeting_publish", "post", meeting_url("staff:meeting_publish", status="review"), rule(302, editor=403),
        variant="review",
    ),
    Case(
        "staff:meeting_publish", "post", meeting_url("staff:meeting_publish"), rule(302, editor=403, reviewer=NOOP),
        variant="draft",  # only the organisation's administrator (or a superuser) publishes a draft directly
    ),
    Case("staff:meeting_publish", "get", meeting_url("staff:meeting_publish", status="review"), everyone(405)),
    Case(
        "staff:meeting_return", "post", meeting_url("staff:meeting_return", status="review"), rule(302, editor=403),
        {"comment": "أكمل قائمة المشاركين"},
    ),
    Case("staff:meeting_return", "get", meeting_url("staff:meeting_return", status="review"), everyone(405)),
    Case(
        "staff:meeting_unpublish", "post", meeting_url("staff:meeting_unpublish", published=True), rule(302, editor=403)
    ),
    Case("staff:meeting_unpublish", "get", meeting_url("staff:meeting_unpublish", published=True), everyone(405)),
    # History.
    Case("staff:meeting_history", "get", meeting_url("staff:meeting_history"), rule()),
    Case("staff:meeting_history", "post", meeting_url("staff:meeting_history"), everyone(405)),
    Case(
        "staff:meeting_restore",
        "post",
        lambda w: reverse(
            "staff:meeting_restore", args=[(m := own_meeting(w)).pk, m.history.earliest("history_date").history_id]
        ),
        rule(302, editor=403, reviewer=403),
    ),
    Case(
        "staff:meeting_restore",
        "get",
        lambda w: reverse(
            "staff:meeting_restore", args=[(m := own_meeting(w)).pk, m.history.earliest("history_date").history_id]
        ),
        everyone(405),
    ),
    # Follow-up of recommendations.
    Case(
        "staff:recommendation_follow_up",
        "get",
        lambda w: reverse("staff:recommendation_follow_up", args=[factories.recommendation(own_meeting(w)).pk]),
        rule(),
    ),
    Case(
        "staff:recommendation_follow_up",
        "post",
        lambda w: reverse("staff:recommendation_follow_up", args=[factories.recommendation(own_meeting(w)).pk]),
        rule(),
        {"status": "no-such-status"},
        variant="invalid",
    ),
    Case(
        "staff:recommendation_follow_up",
        "get",
        lambda w: reverse("staff:recommendation_follow_up", args=[recommendation_addressed_to_us(w, published=True).pk]),
        rule(other=200),
        variant="addressed-to-us-published",
    ),
    Case(
        "staff:recommendation_follow_up",
        "get",
        lambda w: reverse("staff:recommendation_follow_up", args=[recommendation_addressed_to_us(w, published=False).pk]),
        {**rule(404, other=200), "superuser": 200},
        variant="addressed-to-us-unpublished",
    ),
    # Files.
    Case(
        "staff:attachment",
        "get",
        lambda w: reverse("staff:attachment", args=[attachment_of(own_meeting(w), is_public=False).key]),
        rule(),
    ),
    Case(
        "staff:attachment",
        "post",
        lambda w: reverse("staff:attachment", args=[attachment_of(own_meeting(w), is_public=False).key]),
        everyone(405),
    ),
    # An organisation's members: its administrators only.
    Case(
        "staff:organization_members",
        "get",
        lambda w: reverse("staff:organization_members", args=[w.org.slug]),
        administrators_only(200),
    ),
    Case("staff:organization_members", "post", lambda w: reverse("staff:organization_members", args=[w.org.slug]), everyone(405)),
    Case(
        "staff:member_invite",
        "post",
        lambda w: reverse("staff:member_invite", args=[w.org.slug]),
        administrators_only(302),
        {"email": "new.member@example.org", "role": "editor"},
    ),
    Case("staff:member_invite", "get", lambda w: reverse("staff:member_invite", args=[w.org.slug]), everyone(405)),
    Case(
        "staff:member_change_role",
        "post",
        lambda w: reverse("staff:member_change_role", args=[w.org.slug, membership_of_our_editor(w).pk]),
        administrators_only(302),
        {"role": "administrator"},
    ),
    Case(
        "staff:member_change_role",
        "get",
        lambda w: reverse("staff:member_change_role", args=[w.org.slug, membership_of_our_editor(w).pk]),
        everyone(405),
    ),
    Case(
        "staff:member_remove",
        "post",
        lambda w: reverse("staff:member_remove", args=[w.org.slug, membership_of_our_editor(w).pk]),
        administrators_only(302),
    ),
    Case(
        "staff:member_remove",
        "get",
        lambda w: reverse("staff:member_remove", args=[w.org.slug, membership_of_our_editor(w).pk]),
        everyone(405),
    ),
    # The invitation link: whoever holds it (no sign-in); the token moves to the session at once.
    Case("staff:invitation_accept", "get", invitation_url, everyone(NOOP), variant="valid"),
    Case("staff:invitation_accept", "post", invitation_url, everyone(NOOP), variant="valid"),
    Case(
        "staff:invitation_accept", "get", lambda w: invitation_url(w, valid=False), everyone(200), variant="invalid"
    ),
    Case(
        "staff:invitation_accept",
        "post",
        lambda w: invitation_url(w, valid=False),
        everyone(200),
        {"new_password1": "a-New-password-2024", "new_password2": "a-New-password-2024"},
        variant="invalid",
    ),
    # Not staff URLs, kept in the matrix because they guard the same things.
    Case(
        "meetings:attachment",
        "get",
        lambda w: attachment_of(own_meeting(w, published=True), is_public=False).get_absolute_url(),
        everyone(404),
        variant="private-file",
    ),
    Case(
        "meetings:attachment",
        "get",
        lambda w: attachment_of(own_meeting(w), is_public=True).get_absolute_url(),
        everyone(404),
        variant="of-a-draft",
    ),
    Case(
        "meetings:attachment",
        "get",
        lambda w: attachment_of(own_meeting(w, published=True), is_public=True).get_absolute_url(),
        everyone(200),
        variant="public",
    ),
    # Follow-up review (views/review.py): reviewers of the meeting's organisation approve or return.
    Case("staff:follow_up_approve", "post", lambda w: reverse("staff:follow_up_approve", args=[pending_update(w).pk]), rule(302, editor=404)),
    Case("staff:follow_up_approve", "get", lambda w: reverse("staff:follow_up_approve", args=[pending_update(w).pk]), everyone(405)),
    Case(
        "staff:follow_up_return", "post", lambda w: reverse("staff:follow_up_return", args=[pending_update(w).pk]),
        rule(302, editor=404), {"comment": "أضف الدليل"},
    ),
    Case("staff:follow_up_return", "get", lambda w: reverse("staff:follow_up_return", args=[pending_update(w).pk]), everyone(405)),
    # Only its author corrects an update that is not approved yet.
    Case(
        "staff:follow_up_edit", "get", lambda w: reverse("staff:follow_up_edit", args=[pending_update(w).pk]),
        rule(404, editor=200),
    ),
    Case(
        "staff:follow_up_edit", "post", lambda w: reverse("staff:follow_up_edit", args=[pending_update(w).pk]),
        rule(404, editor=200), {"status": "no-such-status"}, variant="invalid",
    ),
    # Organisations awaiting confirmation.
    Case("staff:organization_review", "get", lambda w: reverse("staff:organization_review"), rule(other=200)),
    Case("staff:organization_review", "post", lambda w: reverse("staff:organization_review"), everyone(405)),
    Case(
        "staff:organization_confirm", "post", lambda w: reverse("staff:organization_confirm", args=[pending_organization(w).pk]),
        rule(302, editor=404),
    ),
    Case(
        "staff:organization_confirm", "get", lambda w: reverse("staff:organization_confirm", args=[pending_organization(w).pk]),
        everyone(405),
    ),
    Case(
        "staff:organization_merge", "post", lambda w: reverse("staff:organization_merge", args=[pending_organization(w).pk]),
        rule(NOOP, editor=404), {"into_name": "no such organisation"}, variant="unknown-name",
    ),
    Case(
        "staff:organization_merge", "get", lambda w: reverse("staff:organization_merge", args=[pending_organization(w).pk]),
        everyone(405),
    ),
    # The protected-names check before publication (meetings/protection.py).
    Case("staff:meeting_publication_check", "get", meeting_url("staff:meeting_publication_check", status="review"), rule()),
    Case(
        "staff:meeting_publication_check", "post", meeting_url("staff:meeting_publication_check", status="review"),
        rule(NOOP, editor=403), {"accept": "0" * 64}, variant="stale",
    ),
    # Bulk import (imports/): members of the organisation the meetings will belong to.
    Case("staff:import_start", "get", lambda w: reverse("staff:import_start", args=[w.org.slug]), rule()),
    Case(
        "staff:import_start", "post", lambda w: reverse("staff:import_start", args=[w.org.slug]), rule(), {},
        variant="no-file",
    ),
    Case("staff:import_template", "get", lambda w: reverse("staff:import_template", args=["meetings.csv"]), rule(other=200)),
    Case("staff:import_template", "post", lambda w: reverse("staff:import_template", args=["meetings.csv"]), everyone(405)),
    Case("staff:import_preview", "get", upload_url("staff:import_preview"), sender_only(200)),
    Case("staff:import_preview", "post", upload_url("staff:import_preview"), everyone(405)),
    Case("staff:import_confirm", "post", upload_url("staff:import_confirm"), sender_only(302)),
    Case("staff:import_confirm", "get", upload_url("staff:import_confirm"), everyone(405)),
    Case("staff:import_result", "get", upload_url("staff:import_result", imported=True), sender_only(200)),
    Case("staff:import_result", "post", upload_url("staff:import_result", imported=True), everyone(405)),
    # The reviewer's preview of the public page (views/preview.py): whoever may publish the meeting.
    Case("staff:meeting_preview", "get", meeting_url("staff:meeting_preview", status="review"), rule(editor=403)),
    Case("staff:meeting_preview", "post", meeting_url("staff:meeting_preview", status="review"), everyone(405)),
    # A superuser's first run (views/onboarding.py): superusers only.
    Case("staff:welcome", "get", lambda w: reverse("staff:welcome"), rule(404, superuser=200)),
    Case(
        "staff:welcome", "post", lambda w: reverse("staff:welcome"), rule(404, superuser=302),
        {"name_ar": "منظمة جديدة للتجربة", "kind": "ngo"},
    ),
    Case("login", "get", lambda w: reverse("login"), everyone(200)),
    Case("password_reset", "get", lambda w: reverse("password_reset"), everyone(200)),
]

MATRIX = [pytest.param(case, role, id=f"{case.id}-{role}") for case in CASES for role in ROLES]


# --- Completeness: the URL conf against the table --------------------------------------


def staff_url_names():
    """The names of every URL pattern in the ``staff`` namespace, as the URL conf has them."""
    _prefix, resolver = get_resolver().namespace_dict["staff"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern.name

    return set(walk(resolver.url_patterns))


def test_every_staff_url_has_a_rule():
    """A staff URL without a rule for GET and for POST fails here: decide who may use it, then add the rule."""
    covered = {(case.url_name, case.method) for case in CASES}
    names = staff_url_names()
    missing = sorted(f"staff:{name} {method.upper()}" for name in names for method in METHODS if (f"staff:{name}", method) not in covered)
    assert not missing, f"staff URLs without a rule in tests/test_permissions.py: {missing}"
    stale = sorted({case.url_name for case in CASES if case.url_name.startswith("staff:")} - {f"staff:{n}" for n in names})
    assert not stale, f"rules for staff URLs that no longer exist: {stale}"


def test_the_matrix_covers_every_role_in_every_case():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id


# --- The matrix ------------------------------------------------------------------------


def database_state():
    """Everything a refused request could have changed."""
    User = get_user_model()
    return (
        list(Meeting.objects.order_by("pk").values_list("pk", "status", "version", "title_ar", "published_at")),
        MeetingEvent.objects.count(),
        list(RecommendationUpdate.objects.order_by("pk").values_list("pk", "review_state", "note_ar")),
        list(Attachment.objects.order_by("pk").values_list("pk", "is_public")),
        list(Organization.objects.order_by("pk").values_list("pk", "is_pending")),
        Person.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "user", "organization", "role")),
        list(User.objects.order_by("pk").values_list("pk", "password", "is_active", "is_superuser")),
        SecurityEvent.objects.count(),
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The two organisations and their staff, built once for the matrix's cases (what a case
    adds, and what its request changes, is undone after it as usual)."""
    with factories.kept_for_the_module(django_db_blocker):
        yield make_world()


@pytest.mark.parametrize("case, role", MATRIX)
def test_permission_matrix(client, db, fast_passwords, media_root, mailoutbox, shared_world, case, role):  # noqa: F811
    world = shared_world
    url = case.url(world)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = database_state()

    response = getattr(client, case.method)(url, case.data or {})

    expected = case.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == NOOP:
        assert response.status_code == 302, f"{case.id} as {role}"
    else:
        assert response.status_code == expected, f"{case.id} as {role}"
    if expected == 302:
        assert database_state() != before, f"{case.id} as {role} should have changed something"
    else:
        # Refusals, pages, and forms sent back with errors change nothing.
        assert database_state() == before, f"{case.id} as {role} changed the database"
        assert not mailoutbox, f"{case.id} as {role} sent mail"
