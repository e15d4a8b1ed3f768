"""The staff workspace's pages: signing in, the dashboard, the one-page meeting form,
concurrent edits, and follow-up of recommendations."""

import datetime
import re

import pytest
from django.core import mail
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import (
    Meeting,
    MeetingEvent,
    MeetingOrganization,
    Organization,
    Person,
    Recommendation,
    Tag,
)
from meetings.services import MeetingConflict, meeting_save
from tests import factories
from tests.staff_helpers import (  # noqa: F401
    PASSWORD,
    arabic,
    entry_url,
    fast_passwords,
    make_world,
    media_root,
    new_meeting_data,
    read_form,
    world,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

DASHBOARD = reverse("staff:dashboard")


def html(response):
    return response.content.decode()


# --- Signing in ----------------------------------------------------------------------


def test_the_login_page_is_arabic_and_right_to_left(client, db):
    page = html(client.get(reverse("login")))
    assert '<html lang="ar" dir="rtl">' in page
    with translation.override("ar"):
        assert translation.gettext("Log in") in page


def test_an_editor_logs_in_and_lands_on_the_dashboard(client, world):
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_password_is_refused_in_arabic(client, world):
    response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    # Django's own message, from its Arabic catalogue.
    with translation.override("ar"):
        expected = translation.gettext(
            "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
        )
    assert expected.split("%")[0] in html(response)
    assert "_auth_user_id" not in client.session


def test_staff_pages_send_anonymous_visitors_to_log_in(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DASHBOARD}"


def test_logging_out_is_a_post_and_ends_the_session(client, world):
    client.force_login(world.editor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 302


def test_a_password_is_reset_by_email(client, world):
    world.editor.email = "editor@example.org"
    world.editor.save()
    response = client.post(reverse("password_reset"), {"email": "editor@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-New-password-for-Sanad-2024"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert client.login(username="editor", password=new_password)


def test_the_workspace_is_also_in_english(client, world):
    client.force_login(world.editor)
    response = client.get("/en/staff/")
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html(response)
    assert "Dashboard" in html(response)


def test_a_user_of_no_organisation_is_told_to_ask_an_administrator(client, world):
    client.force_login(world.nobody)
    response = client.get(DASHBOARD)
    assert response.status_code == 403
    assert arabic("Your account is not a member of any organisation yet. Ask an administrator.", html=True) in html(response)


# --- Dashboard -------------------------------------------------------------------------


def test_the_dashboard_sorts_my_organisations_meetings_by_status(client, world):
    draft = world.meeting(title_ar="مسودة لم تكتمل")
    returned = world.meeting(title_ar="لقاء أعيد للتصحيح", status="review")
    returned.return_to_draft(by=world.reviewer, comment="أضف عدد الحضور من النساء")
    waiting = world.meeting(title_ar="لقاء ينتظر المراجعة")
    waiting.submit_for_review(by=world.editor)
    world.other_meeting(title_ar="مسودة منظمة أخرى")
    client.force_login(world.editor)

    response = client.get(DASHBOARD)

    assert [m.pk for m in response.context["drafts"]] == [draft.pk]
    assert [m.pk for m in response.context["returned"]] == [returned.pk]
    assert [m.pk for m in response.context["in_review"]] == [waiting.pk]
    page = html(response)
    assert "أضف عدد الحضور من النساء" in page
    assert "مسودة منظمة أخرى" not in page


def test_the_dashboard_lists_recommendations_due_soon_or_overdue(client, world):
    today = timezone.localdate()
    meeting = world.meeting()
    soon = factories.recommendation(meeting, text_ar="توصية تستحق قريبا", due_date=today + datetime.timedelta(days=10))
    late = factories.recommendation(meeting, text_ar="توصية متأخرة", due_date=today - datetime.timedelta(days=3))
    factories.recommendation(meeting, text_ar="توصية بعيدة", due_date=today + datetime.timedelta(days=90))
    done = factories.recommendation(meeting, text_ar="توصية منفذة", due_date=today - datetime.timedelta(days=3))
    done.set_status(Recommendation.Status.IMPLEMENTED)
    factories.recommendation(world.other_meeting(), text_ar="توصية لغيرنا", due_date=today)
    client.force_login(world.editor)

    response = client.get(DASHBOARD)

    assert [r.pk for r in response.context["due"]] == [late.pk, soon.pk]
    assert 'class="help overdue"' in html(response)


def test_due_recommendations_merge_our_meetings_and_those_addressed_to_us_soonest_first(world):
    """``due_for`` reads the two halves of ``followable_by`` apart (one statement each) and merges
    them: the same rows, in the same order, as the rule in one statement."""
    from django.contrib.auth.models import AnonymousUser

    today = timezone.localdate()

    def day(n):
        return today + datetime.timedelta(days=n)

    ours, theirs = world.meeting(published=True), world.other_meeting(published=True)
    own = [factories.recommendation(ours, due_date=day(n)) for n in (1, 4, 7)]
    addressed = [factories.recommendation(theirs, due_date=day(n)) for n in (2, 5, 6)]
    for recommendation in addressed:
        recommendation.addressees.add(world.org)
    both = factories.recommendation(ours, due_date=day(3))  # made at our meeting and addressed to us
    both.addressees.add(world.org)
    draft = factories.recommendation(world.other_meeting(), due_date=day(0))  # addressed to us, not published
    draft.addressees.add(world.org)
    other = factories.recommendation(theirs, due_date=day(0))  # not addressed to us

    due = Recommendation.objects.due_for(world.editor, day(30), 5)
    assert [r.pk for r in due] == [own[0].pk, addressed[0].pk, both.pk, own[1].pk, addressed[1].pk]
    in_one_statement = Recommendation.objects.followable_by(world.editor).open().filter(due_date__lte=day(30))
    assert due == list(in_one_statement.order_by("due_date", "pk")[:5])
    assert [r.pk for r in Recommendation.objects.due_for(world.editor, day(30), 20)] == [
        r.pk for r in sorted([*own, *addressed, both], key=lambda r: (r.due_date, r.pk))
    ]
    assert Recommendation.objects.due_for(world.other_editor, day(30), 20)[:2] == [draft, other]
    assert {draft, other} <= set(Recommendation.objects.due_for(world.superuser, day(30), 20))
    assert Recommendation.objects.due_for(AnonymousUser(), day(30), 20) == []
    assert Recommendation.objects.due_for(world.nobody, day(30), 20) == []


def test_the_dashboard_shows_recent_activity_with_who_did_it(client, world):
    meeting = world.meeting(title_ar="لقاء نشره المراجع", status="review")
    meeting.publish(by=world.reviewer)
    client.force_login(world.editor)
    activity = client.get(DASHBOARD).context["activity"]
    assert activity[0].id == meeting.pk
    assert activity[0].history_user == world.reviewer


def _fill_dashboard(world, size):
    today = timezone.localdate()
    for n in range(size):
        draft = world.meeting(title_ar=f"مسودة {n}")
        factories.recommendation(draft, due_date=today + datetime.timedelta(days=n))
        returned = world.meeting(status="review")
        returned.return_to_draft(by=world.reviewer, comment=f"تعليق {n}")
        world.meeting(status="review").events.create(action=MeetingEvent.Action.SUBMITTED, by=world.editor)
        addressed = factories.recommendation(world.other_meeting(published=True), due_date=today)
        addressed.addressees.add(world.org, world.other_org)


@pytest.mark.parametrize("size", [1, 6])
def test_the_dashboard_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries, size):
    _fill_dashboard(world, size)
    client.force_login(world.editor)
    # session, user, role; memberships; returned, drafts, in review; due recommendations (two
    # statements: made at our meetings, addressed to us); activity; the review queue: follow-up
    # to review, follow-up returned to me, organisations to confirm. Five of them are preceded by
    # the ids of the user's organisations, read first so that PostgreSQL plans for them
    # (models/workspace.py, organizations_of).
    with django_assert_num_queries(18):
        response = client.get(DASHBOARD)
    assert len(response.context["drafts"]) == size
    assert len(response.context["due"]) == 2 * size


def test_the_meeting_list_makes_a_fixed_number_of_queries(client, world):
    counts = []
    for size in (1, 8):
        for _n in range(size):
            world.meeting()
        client.force_login(world.editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff:meeting_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The meeting form ----------------------------------------------------------------------


def test_the_form_works_without_javascript(client, world):
    client.force_login(world.editor)
    page = html(client.get(entry_url()))
    for prefix in ("organizations", "participants", "recommendations"):
        assert f'name="{prefix}-TOTAL_FORMS" value="3"' in page
        assert f'id="id_{prefix}-2-' in page  # the third empty row is there
    assert page.count("<template data-empty-row>") == 4
    assert "js/formset.js" in page
    # CSP: no inline script or style anywhere.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page


def test_arabic_comes_first_and_is_required_english_is_optional(client, world):
    client.force_login(world.editor)
    page = html(client.get(entry_url()))
    for name in ("title", "city", "venue", "summary", "minutes"):
        assert page.index(f'id="id_{name}_ar"') < page.index(f'id="id_{name}_en"')
    assert re.search(r'<input[^>]*name="title_ar"[^>]*required', page)
    assert not re.search(r'<input[^>]*name="title_en"[^>]*required', page)
    assert 'lang="ar" dir="rtl"' in page and 'lang="en" dir="ltr"' in page


def test_a_whole_meeting_is_entered_and_saved_in_one_go(client, world, media_root):
    official = factories.person("مسؤول معروف", public=True)
    post = factories.position(official, "وكيل المحافظة")
    existing_tag = factories.tag("اليمن")
    client.force_login(world.editor)
    data = new_meeting_data(
        client,
        world,
        **{
            "title_en": "Consultative meeting in Marib",
            "minutes_ar": "نص المحضر\nسطر ثان",
            "attendance_total": "40",
            "attendance_women": "12",
            "attendance_men": "28",
            "tags": "#مأرب، #اليمن مشروع_ساند",
            "organizations-1-new_organization": "شرطة محافظة مأرب",
            "organizations-1-role": MeetingOrganization.Role.PARTNER,
            "participants-0-new_person_name": "عبدربه حليس",
            "participants-0-new_position_title": "مدير عام المعلومات والإحصاء",
            "participants-0-new_person_public": "on",
            "participants-0-role": "speaker",
            "participants-0-statement_ar": "أكد على أهمية التنسيق",
            "participants-1-new_person_name": "مدافعة عن حقوق الإنسان",
            "participants-1-role": "participant",
            "participants-2-position": str(post.pk),
            "participants-2-role": "speaker",
            "recommendations-0-text_ar": "تعزيز التنسيق بين السلطة المحلية والمنظمات",
            "recommendations-0-addressees": [str(world.org.pk)],
            "recommendations-1-text_ar": "تطوير قدرات المنظمات الحقوقية",
        },
    )
    response = client.post(entry_url(), data)
    assert response.status_code == 302, response.context and response.context["entry"].error_summary()

    meeting = Meeting.objects.get()
    assert (meeting.title_ar, meeting.title_en, meeting.status) == (
        "لقاء تشاوري في مأرب",
        "Consultative meeting in Marib",
        Meeting.Status.DRAFT,
    )
    assert meeting.minutes_ar == "نص المحضر\r\nسطر ثان" or meeting.minutes_ar == "نص المحضر\nسطر ثان"
    assert (meeting.attendance_total, meeting.attendance_women, meeting.attendance_men) == (40, 12, 28)
    assert meeting.created_by == world.editor and meeting.version == 1
    assert sorted(t.name for t in meeting.tags.all()) == sorted(["مأرب", "اليمن", "مشروع_ساند"])
    assert existing_tag in meeting.tags.all() and Tag.objects.count() == 3
    assert [(i.organization.name_ar, i.role) for i in meeting.involvements.all()] == [
        (world.org.name_ar, "organiser"),
        ("شرطة محافظة مأرب", "partner"),
    ]
    official_row, defender_row, known_row = meeting.participations.select_related("person", "position")
    assert official_row.person.name_ar == "عبدربه حليس" and official_row.person.is_public
    assert official_row.position.title_ar == "مدير عام المعلومات والإحصاء"
    assert official_row.statement_ar == "أكد على أهمية التنسيق"
    assert defender_row.person.visibility == Person.Visibility.PROTECTED  # protected unless marked public
    assert (known_row.person, known_row.position) == (official, post)
    first, second = meeting.recommendations.order_by("order")
    assert (first.order, first.text_ar, list(first.addressees.all())) == (1, "تعزيز التنسيق بين السلطة المحلية والمنظمات", [world.org])
    assert (second.order, second.text_ar) == (2, "تطوير قدرات المنظمات الحقوقية")


def test_an_arabic_title_is_required_with_an_arabic_message_next_to_the_field_and_at_the_top(client, world):
    client.force_login(world.editor)
    response = client.post(entry_url(), new_meeting_data(client, world, title_ar=""))
    assert response.status_code == 200
    page = html(response)
    with translation.override("ar"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."  # Django's Arabic catalogue
    assert re.search(rf'id="id_title_ar_error"><p>{re.escape(required)}</p>', page)
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    assert 'href="#id_title_ar"' in summary and required in summary
    assert 'aria-invalid="true"' in page
    assert Meeting.objects.count() == 0


def test_everything_typed_is_kept_when_one_recommendation_row_has_an_error(client, world):
    client.force_login(world.editor)
    typed = {
        "title_ar": "عنوان كتبه المحرر",
        "title_en": "A title typed by the editor",
        "minutes_ar": "محضر طويل كتب على الهاتف",
        "summary_ar": "ملخص اللقاء",
        "venue_ar": "قاعة المحافظة",
        "tags": "#مأرب #مساءلة",
        "organizations-1-new_organization": "منظمة صدى",
        "organizations-1-role": "co_organiser",
        "participants-0-new_person_name": "شخص جديد بالكامل",
        "participants-0-new_position_title": "منصب الشخص الجديد",
        "participants-0-statement_ar": "ما قاله الشخص الجديد",
        "participants-1-new_person_name": "مشارك ثان",
        "recommendations-0-text_ar": "التوصية الأولى كما كتبت",
        "recommendations-1-text_ar": "التوصية الثانية فيها تاريخ خاطئ",
        "recommendations-1-due_date": "2023-02-31",
        "recommendations-2-text_ar": "التوصية الثالثة كما كتبت",
        "recommendations-2-text_en": "Third recommendation as typed",
    }
    people, organizations = Person.objects.count(), Organization.objects.count()

    response = client.post(entry_url(), new_meeting_data(client, world, **typed))

    assert response.status_code == 200
    page = html(response)
    for value in typed.values():
        if value != "2023-02-31":
            assert value in page, value
    assert 'value="2023-02-31"' in page  # the wrong value too, so it can be corrected
    assert 'href="#id_recommendations-1-due_date"' in page
    assert (Meeting.objects.count(), Person.objects.count(), Organization.objects.count()) == (0, people, organizations)
    # And submitting the page again, corrected, saves it all.
    data = read_form(response)
    data["recommendations-1-due_date"] = "2023-02-28"
    assert client.post(entry_url(), data).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.recommendations.count() == 3
    assert meeting.participations.count() == 2


def test_choices_offer_only_what_the_user_may_use(client, world):
    secret_org = factories.organization("جهة لم تنشر بعد")
    hidden_meeting = world.other_meeting(title_ar="مسودة سرية")
    factories.involvement(hidden_meeting, secret_org, role="partner")
    protected = factories.person("مدافع محمي لدى منظمة أخرى")
    factories.participation(hidden_meeting, protected)
    public_official = factories.person("مسؤول عام", public=True)
    client.force_login(world.editor)
    page = html(client.get(entry_url()))
    assert "جهة لم تنشر بعد" not in page
    assert "مدافع محمي لدى منظمة أخرى" not in page
    assert "مسودة سرية" not in page
    assert public_official.name_ar in page
    assert world.org.name_ar in page


def _forgeries(world):
    other_draft = world.other_meeting(title_ar="مسودة منظمة أخرى")
    secret_org = factories.organization("جهة سرية")
    factories.involvement(other_draft, secret_org, role="partner")
    protected = factories.person("مدافعة محمية")
    factories.participation(other_draft, protected)
    foreign_recommendation = factories.recommendation(other_draft, text_ar="توصية منظمة أخرى")
    foreign_project = factories.project("مشروع منظمة أخرى")
    world.other_meeting(project=foreign_project)
    return {
        "organisation known only from another organisation's draft": {
            "organizations-1-organization": str(secret_org.pk),
            "organizations-1-role": "partner",
        },
        "protected person of another organisation": {
            "participants-0-person": str(protected.pk),
            "participants-0-role": "speaker",
        },
        "meeting of another organisation as the earlier meeting": {"follows": str(other_draft.pk)},
        "project of another organisation": {"project": str(foreign_project.pk)},
        "organisation as addressee": {
            "recommendations-0-text_ar": "توصية",
            "recommendations-0-addressees": [str(secret_org.pk)],
        },
        "recommendation of another meeting": {
            "recommendations-INITIAL_FORMS": "1",
            "recommendations-0-id": str(foreign_recommendation.pk),
            "recommendations-0-text_ar": "تم تغييرها بالتزوير",
        },
    }


@pytest.mark.parametrize(
    "forgery",
    [
        "organisation known only from another organisation's draft",
        "protected person of another organisation",
        "meeting of another organisation as the earlier meeting",
        "project of another organisation",
        "organisation as addressee",
        "recommendation of another meeting",
    ],
)
def test_a_forged_value_for_another_organisations_record_is_rejected(client, world, forgery):
    fields = _forgeries(world)[forgery]
    meeting = world.meeting(title_ar="لقاؤنا")
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data.update(fields)
    before = list(Recommendation.objects.values_list("pk", "meeting_id", "text_ar"))
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    assert response.context["entry"].error_summary()
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.follows is None and meeting.project is None
    assert list(Recommendation.objects.values_list("pk", "meeting_id", "text_ar")) == before
    assert meeting.participations.count() == 0 and meeting.involvements.count() == 1


def test_one_of_my_organisations_must_organise_the_meeting(client, world):
    partner = factories.organization("منظمة شريكة معروفة")
    factories.involvement(factories.meeting(published=True), partner)
    client.force_login(world.editor)
    data = new_meeting_data(
        client, world, **{"organizations-0-organization": str(partner.pk), "organizations-0-role": "organiser"}
    )
    response = client.post(entry_url(), data)
    assert response.status_code == 200
    expected = "One of your organisations must organise or co-organise the meeting, or you could not open it again."
    assert arabic(expected, html=True) in html(response)
    assert not Meeting.objects.filter(title_ar="لقاء تشاوري في مأرب").exists()


def test_rows_are_removed_and_recommendations_renumbered(client, world):
    meeting = world.meeting()
    for text in ("الأولى", "الثانية", "الثالثة"):
        factories.recommendation(meeting, text_ar=text)
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["recommendations-0-DELETE"] = "on"
    data["recommendations-3-text_ar"] = "الرابعة"
    assert client.post(entry_url(meeting), data).status_code == 302
    assert list(meeting.recommendations.order_by("order").values_list("order", "text_ar")) == [
        (1, "الثانية"),
        (2, "الثالثة"),
        (3, "الرابعة"),
    ]


def test_the_english_form_saves_arabic_into_the_arabic_fields(client, world):
    client.force_login(world.editor)
    url = "/en" + entry_url()
    data = read_form(client.get(url))
    data.update(
        {
            "title_ar": "عنوان عربي",
            "title_en": "English title",
            "date": "2022-11-26",
            "organizations-0-organization": str(world.org.pk),
            "organizations-0-role": "organiser",
        }
    )
    assert client.post(url, data).status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.title_ar, meeting.title_en) == ("عنوان عربي", "English title")


# --- Concurrent edits --------------------------------------------------------------------


def test_the_second_of_two_concurrent_edits_gets_a_conflict_page_and_loses_nothing(world):
    """Both changed the title: the page asks about the title only; the second one's minutes and
    new recommendation are kept in the form (meetings/merge.py; tests/test_merge.py for the rest)."""
    meeting = world.meeting(title_ar="العنوان الأول", minutes_ar="المحضر الأول")
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(world.editor)
    second.force_login(world.reviewer)
    first_data = read_form(first.get(entry_url(meeting)))
    second_data = read_form(second.get(entry_url(meeting)))

    first_data["title_ar"] = "العنوان كما صححه الأول"
    assert first.post(entry_url(meeting), first_data).status_code == 302

    second_data["title_ar"] = "العنوان كما صححه الثاني"
    second_data["minutes_ar"] = "المحضر كما أكمله الثاني"
    second_data["recommendations-0-text_ar"] = "توصية أضافها الثاني"
    response = second.post(entry_url(meeting), second_data)

    assert response.status_code == 409
    page = html(response)
    conflict = page[page.index('id="conflict"') : page.index("</section>", page.index('id="conflict"'))]
    assert "العنوان كما صححه الأول" in conflict and "العنوان كما صححه الثاني" in conflict and "العنوان الأول" in conflict
    assert 'id="merge-minutes_ar"' not in conflict  # only the second one changed the minutes
    assert "توصية أضافها الثاني" in conflict
    form = read_form(response)
    assert form["minutes_ar"] == "المحضر كما أكمله الثاني"
    assert form["recommendations-0-text_ar"] == "توصية أضافها الثاني"
    assert form["version"] == "2"  # carries the saved version, so it can be submitted again
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.minutes_ar, meeting.version) == ("العنوان كما صححه الأول", "المحضر الأول", 2)
    assert meeting.recommendations.count() == 0

    # A title is not a text box: the second person must choose. They keep the first one's.
    assert second.post(entry_url(meeting), form).status_code == 409
    form["resolve-title_ar"] = "theirs"
    assert second.post(entry_url(meeting), form).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.minutes_ar, meeting.version) == (
        "العنوان كما صححه الأول",
        "المحضر كما أكمله الثاني",
        3,
    )
    assert list(meeting.recommendations.values_list("text_ar", flat=True)) == ["توصية أضافها الثاني"]


def test_a_save_that_loses_the_race_writes_nothing(world):
    """Both passed the form's version check; the database decides, inside the transaction."""
    meeting = world.meeting(title_ar="قبل")
    late = Meeting.objects.get(pk=meeting.pk)
    winner = Meeting.objects.get(pk=meeting.pk)
    winner.title_ar = "الفائز"
    meeting_save(meeting=winner, version=1, by=world.editor)
    late.title_ar = "المتأخر"
    with pytest.raises(MeetingConflict) as conflict:
        meeting_save(meeting=late, version=1, tags=["وسم_متأخر"], by=world.reviewer)
    assert conflict.value.saved.title_ar == "الفائز"
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.version) == ("الفائز", 2)
    assert not Tag.objects.filter(name_ar="وسم_متأخر").exists()


def test_an_admin_save_also_raises_the_version(world):
    meeting = world.meeting()
    meeting.title_en = "Edited in the admin"
    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).version == 2


# --- Follow-up --------------------------------------------------------------------------------


def test_an_editor_records_follow_up_with_a_follow_up_meeting(client, world):
    recommendation = factories.recommendation(world.meeting(published=True))
    later = world.meeting(title_ar="لقاء المتابعة")
    client.force_login(world.editor)
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    response = client.post(
        url,
        {
            "status": "in_progress",
            "progress": "40",
            "date": "2023-03-01",
            "note_ar": "بدأت اللجنة المشتركة أعمالها",
            "evidence_url": "https://example.org/report",
            "meeting": str(later.pk),
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    # Recorded, but waiting for a reviewer: the public status has not moved yet.
    assert (recommendation.status, recommendation.progress) == ("proposed", 0)
    update = recommendation.updates.get()
    assert (update.author, update.meeting, update.note_ar) == (world.editor, later, "بدأت اللجنة المشتركة أعمالها")
    assert update.review_state == "pending"
    client.force_login(world.reviewer)
    assert client.post(reverse("staff:follow_up_approve", args=[update.pk])).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("in_progress", 40)


def test_an_addressed_organisation_follows_up_once_the_meeting_is_published(client, world):
    recommendation = factories.recommendation(world.other_meeting(published=True))
    recommendation.addressees.add(world.org)
    client.force_login(world.editor)
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    response = client.post(url, {"status": "accepted", "date": "2023-01-10", "note_ar": "قبلنا التوصية"})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD  # they cannot open the other organisation's meeting
    assert recommendation.updates.get().author == world.editor


def test_an_implemented_recommendation_cannot_have_less_than_full_progress(client, world):
    recommendation = factories.recommendation(world.meeting())
    client.force_login(world.editor)
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    response = client.post(url, {"status": "implemented", "progress": "50", "date": "2023-01-10"})
    assert response.status_code == 200
    assert recommendation.updates.count() == 0
    assert "100" in html(response)


def test_a_follow_up_meeting_of_another_organisation_cannot_be_linked(client, world):
    recommendation = factories.recommendation(world.meeting())
    foreign = world.other_meeting()
    client.force_login(world.editor)
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    response = client.post(url, {"status": "accepted", "date": "2023-01-10", "meeting": str(foreign.pk)})
    assert response.status_code == 200
    assert recommendation.updates.count() == 0


# --- The staff meeting page -----------------------------------------------------------------


def test_the_meeting_page_shows_protected_people_to_staff_with_a_mark(client, world):
    meeting = world.meeting()
    factories.participation(meeting, factories.person("مدافعة محمية"))
    client.force_login(world.editor)
    page = html(client.get(reverse("staff:meeting_detail", args=[meeting.pk])))
    assert "مدافعة محمية" in page
    with translation.override("ar"):
        assert translation.gettext("protected") in page


def test_other_organisations_do_not_see_the_meeting_anywhere(client, world):
    meeting = world.meeting(title_ar="لقاء لا يخص الآخرين")
    client.force_login(world.other_editor)
    assert "لقاء لا يخص الآخرين" not in html(client.get(DASHBOARD))
    assert "لقاء لا يخص الآخرين" not in html(client.get(reverse("staff:meeting_list")))
    assert client.get(reverse("staff:meeting_detail", args=[meeting.pk])).status_code == 404


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database refuses a second writer instead of making it wait",
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_in_parallel_let_exactly_one_win(fast_passwords):  # noqa: F811
    """Real concurrency: two threads, two database connections, the same starting version."""
    import threading

    from django.db import connections

    world = make_world()
    meeting = world.meeting(title_ar="قبل السباق")
    barrier = threading.Barrier(2)
    outcomes = []

    def save(title, user):
        try:
            copy = Meeting.objects.get(pk=meeting.pk)
            copy.title_ar = title
            barrier.wait(timeout=10)
            meeting_save(meeting=copy, version=1, by=user)
            outcomes.append(("saved", title))
        except MeetingConflict:
            outcomes.append(("conflict", title))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("عنوان الأول", world.editor)),
        threading.Thread(target=save, args=("عنوان الثاني", world.reviewer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _title in outcomes) == ["conflict", "saved"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.version) == (winner, 2)
    assert meeting.history.count() == 2  # created, and the one winning save
