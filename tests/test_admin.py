"""The Django admin: every model's pages in Arabic and English, and the admin's own behaviour."""

import datetime
import itertools
from html import escape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from modeltranslation.translator import translator
from simple_history.models import HistoricalChanges

from meetings.models import (
    Attachment,
    Governorate,
    Meeting,
    MeetingEvent,
    MeetingOrganization,
    Membership,
    MonthlyTally,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    RecommendationUpdate,
    ProtectedNameAcceptance,
    SearchHold,
    SearchRefill,
    SearchTerm,
    SecurityEvent,
    StakeholderGroup,
    Tally,
    Tag,
    Theme,
)
from notifications.models import Subscription
from tests import factories

LANGUAGES = ("ar", "en")
REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "meetings"),
    key=lambda model: model._meta.model_name,
)
_serial = itertools.count(1)
PDF_BYTES = b"%PDF-1.4\n%minutes of the meeting\n"


def _is_history_table(model):
    """django-simple-history's generated models: shown through their tracked model, not on their own."""
    return issubclass(model, HistoricalChanges)


# --- Data for each registered model ----------------------------------------------


def _governorate():
    n = next(_serial)
    return Governorate.objects.create(name_ar=f"محافظة رقم {n}", name_en=f"Governorate {n}", slug=f"gov-{n}", code=f"T{n}")


def _stakeholder_group():
    n = next(_serial)
    return StakeholderGroup.objects.create(name_ar=f"فئة رقم {n}", name_en=f"Group {n}", slug=f"group-{n}")


def _position():
    return factories.position(organization=factories.organization(), start_date=datetime.date(2020, 1, 1))


def _meeting():
    meeting = factories.meeting(project=factories.project(), summary_ar="ملخص اللقاء")
    meeting.tags.add(factories.tag())
    meeting.stakeholder_groups.add(factories.stakeholder_group())
    factories.involvement(meeting)
    factories.participation(meeting, position_obj=_position(), statement_ar="كلمة")
    recommendation = factories.recommendation(meeting)
    recommendation.addressees.add(factories.organization())
    recommendation.set_status(Recommendation.Status.ACCEPTED, note="قبلت التوصية")
    return meeting


def _participation():
    return factories.participation(factories.meeting(), position_obj=_position(), organization=factories.organization())


def _recommendation():
    recommendation = factories.recommendation(theme=factories.theme())
    recommendation.addressees.add(factories.organization())
    recommendation.set_status(Recommendation.Status.IN_PROGRESS, progress=30, note="بدأ التنفيذ")
    return recommendation


def _recommendation_update():
    return factories.recommendation().set_status(
        Recommendation.Status.ACCEPTED, note="قبلتها السلطة المحلية", meeting=factories.meeting()
    )


def _person():
    person = factories.person()
    factories.position(person, organization=factories.organization())
    return person


def _project():
    project = factories.project(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2023, 12, 31))
    project.implementers.add(factories.organization())
    project.donors.add(factories.organization())
    return project


def _attachment():
    upload = SimpleUploadedFile("minutes.pdf", PDF_BYTES, content_type="application/pdf")
    return Attachment.objects.create(
        meeting=factories.meeting(),
        title="محضر اللقاء",
        file=upload,
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )


# One builder per registered model (and per model an autocomplete field points at).
def _search_hold():
    meeting = factories.meeting(f"لقاء مستبعد {next(_serial)}", published=True)
    refill = SearchRefill.objects.create(model="meetings.meeting", keys=[meeting.pk], hides=True)
    return SearchHold.objects.create(refill=refill, meeting=meeting)


BUILDERS = {
    Attachment: _attachment,
    MeetingEvent: lambda: MeetingEvent.objects.create(
        meeting=factories.meeting(), action=MeetingEvent.Action.SUBMITTED, by=factories.user(), comment="جاهز للمراجعة"
    ),
    Membership: lambda: Membership.objects.create(user=factories.user(), organization=factories.organization()),
    get_user_model(): factories.user,
    Governorate: _governorate,
    StakeholderGroup: _stakeholder_group,
    Organization: lambda: factories.organization(governorate=factories.governorate(), parent=factories.organization()),
    Person: _person,
    Position: _position,
    Project: _project,
    Tag: factories.tag,
    Theme: factories.theme,
    Meeting: _meeting,
    MeetingOrganization: lambda: factories.involvement(factories.meeting()),
    Participation: _participation,
    Recommendation: _recommendation,
    RecommendationUpdate: _recommendation_update,
    SearchTerm: lambda: SearchTerm.objects.create(term=f"كلمه{next(_serial)}"),
    SearchRefill: lambda: SearchRefill.objects.create(model="meetings.recommendation", keys=[next(_serial)]),
    SearchHold: _search_hold,
    SecurityEvent: lambda: SecurityEvent.objects.create(
        action=SecurityEvent.Action.LOGIN, username="editor", ip_address="203.0.113.9", user_agent="Firefox"
    ),
    ProtectedNameAcceptance: lambda: ProtectedNameAcceptance.objects.create(
        meeting=factories.meeting(), person=factories.person(), fingerprint=f"{next(_serial):064d}", place="meeting.title.ar"
    ),
    Tally: lambda: Tally.objects.create(subject=Tally.MEETINGS, scope="tag", key=str(next(_serial)), count=1),
    Subscription: lambda: Subscription.objects.create(
        email=f"reader{next(_serial)}@example.org", kind=Subscription.Kind.GOVERNORATE, target_id=1, language="ar"
    ),
    MonthlyTally: lambda: MonthlyTally.objects.create(measure="made", scope="theme", key=str(next(_serial)), month="2022-11", status="proposed", count=1),
}


def build(model):
    if model not in BUILDERS:
        pytest.fail(f"{model.__name__} is registered in the admin: add a builder for it to BUILDERS in {__name__}.")
    return BUILDERS[model]()


# --- Helpers -------------------------------------------------------------------


def admin_url(model, view, *args, lang="ar"):
    with translation.override(lang):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_admin_page(response, lang):
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    return html


class _FormFields(HTMLParser):
    """What a browser would submit from the form with the given id."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.fields = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        name = attrs.get("name") or ""
        if "__prefix__" in name or "disabled" in attrs:
            return  # the template rows for "Add another", and fields a browser would not send
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            values = select["selected"]
            if not values and not select["multiple"] and select["first"] is not None:
                values = [select["first"]]
            for value in values:
                self._add(select["name"], value)
        elif tag == "textarea" and self._textarea is not None:
            (name, parts), self._textarea = self._textarea, None
            # HTML drops a newline straight after <textarea>.
            self._add(name, "".join(parts).removeprefix("\n"))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)


def form_data(response, model):
    """The POST data of the admin form on the page, as the browser would send it, management forms included."""
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    assert parser.fields, "no admin form found on the page"
    return parser.fields


def fill(data, **values):
    for name, value in values.items():
        data[name] = [str(value)]
    return data


def changelist_results(response):
    return list(response.context["cl"].result_list)


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def superuser(db):
    return factories.user(is_staff=True, is_superuser=True)


@pytest.fixture
def client_in(client, superuser):
    client.force_login(superuser)
    return client


# --- Every registered model, in both languages -------------------------------------


def test_every_model_of_the_meetings_app_is_registered():
    app_models = {model for model in apps.get_app_config("meetings").get_models() if not _is_history_table(model)}
    assert set(REGISTERED_MODELS) == app_models


def _expected_status(model, permission, user):
    """200 where the ModelAdmin allows the view, 403 where it deliberately does not (a read-only log)."""
    request = RequestFactory().get("/")
    request.user = user
    check = getattr(admin.site._registry[model], f"has_{permission}_permission")
    return 200 if (check(request) if permission == "add" else check(request, None)) else 403


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_links_to_each_object(client_in, model, lang):
    obj = build(model)
    response = client_in.get(admin_url(model, "changelist", lang=lang))
    html = assert_admin_page(response, lang)
    assert admin_url(model, "change", obj.pk, lang=lang) in html
    assert obj in changelist_results(response)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.model_name)
def test_add_page_has_a_tab_per_language_for_translated_fields(client_in, superuser, model, lang):
    response = client_in.get(admin_url(model, "add", lang=lang))
    if _expected_status(model, "add", superuser) == 403:
        assert response.status_code == 403
        return
    html = assert_admin_page(response, lang)
    assert f'id="{model._meta.model_name}_form"' in html
    translated = translator.get_options_for_model(model).fields if model in translator.get_registered_models() else {}
    for field in translated:
        assert f'name="{field}_ar"' in html
        assert f'name="{field}_en"' in html
        assert f'name="{field}"' not in html
    if translated:
        assert "modeltranslation/js/tabbed_translation_fields.js" in html
        assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis.com" not in html
    assert "code.jquery.com" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.model_name)
def test_change_page_names_the_object(client_in, model, lang):
    obj = build(model)
    response = client_in.get(admin_url(model, "change", obj.pk, lang=lang))
    html = assert_admin_page(response, lang)
    with translation.override(lang):
        assert escape(str(obj)) in html
    # No "view on site" until the public pages exist.
    assert f"/r/{ContentType.objects.get_for_model(model).pk}/{obj.pk}/" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.model_name)
def test_delete_and_history_pages_render(client_in, superuser, model, lang):
    obj = build(model)
    for view, permission in (("delete", "delete"), ("history", "view")):
        response = client_in.get(admin_url(model, view, obj.pk, lang=lang))
        if _expected_status(model, permission, superuser) == 403:
            assert response.status_code == 403
            continue
        html = assert_admin_page(response, lang)
        with translation.override(lang):
            assert escape(str(obj)) in html


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_query_count_does_not_grow_with_rows(client_in, model):
    url = admin_url(model, "changelist")
    build(model)
    client_in.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client_in.get(url).status_code == 200
    for _ in range(3):
        build(model)
    with CaptureQueriesContext(connection) as more:
        response = client_in.get(url)
    assert response.context["cl"].result_count >= 4
    assert len(more) == len(few), [query["sql"] for query in more.captured_queries]


def _autocomplete_fields():
    for model in REGISTERED_MODELS:
        model_admin = admin.site._registry[model]
        for field in model_admin.autocomplete_fields:
            yield model, field
        for inline in model_admin.inlines:
            for field in inline.autocomplete_fields:
                yield inline.model, field


@pytest.mark.parametrize(
    ("model", "field"),
    sorted(set(_autocomplete_fields()), key=lambda pair: (pair[0]._meta.model_name, pair[1])),
    ids=lambda value: value if isinstance(value, str) else value._meta.model_name,
)
def test_autocomplete_finds_the_related_object(client_in, model, field):
    target_model = model._meta.get_field(field).remote_field.model
    target = build(target_model)
    first_search_field = admin.site._registry[target_model].search_fields[0]
    response = client_in.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": getattr(target, first_search_field),
        },
    )
    assert response.status_code == 200
    assert str(target.pk) in [result["id"] for result in response.json()["results"]]


def test_admin_site_header_is_sanad(client_in):
    response = client_in.get(reverse("admin:index"))
    assert_admin_page(response, "ar")
    assert escape(gettext("Sanad administration")) in response.content.decode()
    with translation.override("en"):
        response = client_in.get(reverse("admin:index"))
    assert "Sanad administration" in assert_admin_page(response, "en")


# --- Search, filters and date hierarchy -----------------------------------------------


def test_meeting_search_narrows_by_arabic_and_english_title(client_in):
    water = factories.meeting(title_ar="لقاء حول المياه", title_en="Water meeting")
    factories.meeting(title_ar="لقاء حول الطرق", title_en="Roads meeting")
    url = admin_url(Meeting, "changelist")
    assert changelist_results(client_in.get(url, {"q": "المياه"})) == [water]
    assert changelist_results(client_in.get(url, {"q": "Water"})) == [water]
    assert len(changelist_results(client_in.get(url))) == 2


def test_meeting_search_finds_meetings_by_organisation_name(client_in):
    meeting = factories.meeting()
    factories.involvement(meeting, factories.organization(name_ar="منظمة مساءلة لحقوق الإنسان"))
    factories.involvement(meeting, factories.organization(name_ar="منظمة مساءلة للإعلام"))
    factories.meeting()
    response = client_in.get(admin_url(Meeting, "changelist"), {"q": "مساءلة"})
    assert changelist_results(response) == [meeting]


def test_person_search_finds_people_by_post(client_in):
    official = factories.position(title_ar="مدير عام المعلومات والإحصاء").person
    factories.person()
    response = client_in.get(admin_url(Person, "changelist"), {"q": "الإحصاء"})
    assert changelist_results(response) == [official]


def test_meeting_status_filter_narrows(client_in):
    published = factories.meeting(published=True)
    factories.meeting()
    response = client_in.get(admin_url(Meeting, "changelist"), {"status__exact": "published"})
    assert changelist_results(response) == [published]


def test_meeting_date_hierarchy_narrows_to_a_year(client_in):
    old = factories.meeting(date=datetime.date(2021, 3, 1))
    factories.meeting(date=datetime.date(2022, 11, 26))
    response = client_in.get(admin_url(Meeting, "changelist"), {"date__year": "2021"})
    assert changelist_results(response) == [old]


def test_person_visibility_is_a_column_and_a_filter(client_in):
    public = factories.person(public=True)
    protected = factories.person()
    url = admin_url(Person, "changelist")
    response = client_in.get(url, {"visibility__exact": "public"})
    assert changelist_results(response) == [public]
    response = client_in.get(url, {"visibility__exact": "protected"})
    assert changelist_results(response) == [protected]
    html = response.content.decode()
    assert f'<td class="field-visibility">{escape(str(Person.Visibility.PROTECTED.label))}</td>' in html


def test_recommendation_overdue_filter_keeps_open_recommendations_past_due(client_in):
    overdue = factories.recommendation(due_date=datetime.date(2023, 1, 1))
    done = factories.recommendation(due_date=datetime.date(2023, 1, 1))
    done.set_status(Recommendation.Status.IMPLEMENTED)
    factories.recommendation(due_date=datetime.date(2999, 1, 1))
    response = client_in.get(admin_url(Recommendation, "changelist"), {"follow_up": "overdue"})
    assert changelist_results(response) == [overdue]


# --- Publishing (through the workflow: Meeting.publish() and friends) -------------------------


def _run_action(client, action, meetings):
    return client.post(
        admin_url(Meeting, "changelist"),
        {"action": action, "_selected_action": [meeting.pk for meeting in meetings]},
        follow=True,
    )


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_publish_action_publishes_and_stamps_the_selected_meetings(client_in, superuser):
    drafts = [factories.meeting(), factories.meeting()]
    untouched = factories.meeting()
    response = _run_action(client_in, "publish_meetings", drafts)
    for meeting in drafts:
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PUBLISHED
        assert meeting.published_at is not None
        assert meeting.updated_by == superuser
        assert meeting.events.get().action == MeetingEvent.Action.PUBLISHED
    untouched.refresh_from_db()
    assert (untouched.status, untouched.published_at) == (Meeting.Status.DRAFT, None)
    expected = ngettext("%(count)d meeting was published.", "%(count)d meetings were published.", 2) % {"count": 2}
    assert _messages(response) == [expected]
    assert LogEntry.objects.filter(object_id=str(drafts[0].pk), user=superuser).exists()


def test_publish_action_leaves_published_meetings_alone(client_in):
    published = factories.meeting(published=True)
    stamped = published.published_at
    response = _run_action(client_in, "publish_meetings", [published])
    published.refresh_from_db()
    assert published.published_at == stamped
    expected = ngettext("%(count)d meeting was published.", "%(count)d meetings were published.", 0) % {"count": 0}
    assert _messages(response) == [expected]


def test_unpublish_action_returns_published_meetings_to_draft(client_in, superuser):
    published = factories.meeting(published=True)
    draft = factories.meeting()
    response = _run_action(client_in, "unpublish_meetings", [published, draft])
    published.refresh_from_db()
    assert (published.status, published.published_at) == (Meeting.Status.DRAFT, None)
    assert published.updated_by == superuser
    assert published.events.filter(action=MeetingEvent.Action.UNPUBLISHED, by=superuser).exists()
    expected = ngettext("%(count)d meeting was unpublished.", "%(count)d meetings were unpublished.", 1) % {"count": 1}
    assert _messages(response) == [expected]


def test_submit_action_puts_drafts_in_review(client_in):
    draft = factories.meeting()
    _run_action(client_in, "submit_meetings_for_review", [draft])
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.REVIEW


def test_status_cannot_be_changed_in_the_meeting_form(client_in):
    """Publishing goes through the workflow (actions), never through a bare field."""
    meeting = factories.meeting()
    url = admin_url(Meeting, "change", meeting.pk)
    data = form_data(client_in.get(url), Meeting)
    assert "status" not in data
    assert client_in.post(url, fill(data, status="published")).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (Meeting.Status.DRAFT, None)


def test_an_admin_save_writes_one_version_of_the_meeting(client_in, superuser):
    meeting = factories.meeting()
    versions = meeting.history.count()
    url = admin_url(Meeting, "change", meeting.pk)
    data = fill(form_data(client_in.get(url), Meeting), title_en="With tags", tags=factories.tag().pk)
    data["stakeholder_groups"] = [str(factories.stakeholder_group().pk)]
    assert client_in.post(url, data).status_code == 302
    assert meeting.history.count() == versions + 1
    latest = meeting.history.latest()
    assert (latest.title_en, latest.history_user) == ("With tags", superuser)
    meeting.refresh_from_db()
    assert meeting.updated_by == superuser
    assert meeting.tags.count() == 1


def test_saving_a_published_meeting_keeps_its_publication_time(client_in):
    meeting = factories.meeting(published=True)
    stamped = meeting.published_at
    url = admin_url(Meeting, "change", meeting.pk)
    data = fill(form_data(client_in.get(url), Meeting), title_en="Corrected title")
    assert client_in.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.published_at) == ("Corrected title", stamped)


def test_meeting_delete_action_deletes_the_selected_meetings(client_in):
    doomed = factories.meeting()
    factories.recommendation(doomed)
    kept = factories.meeting()
    response = client_in.post(
        admin_url(Meeting, "changelist"), {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Meeting.objects.all()) == [kept]


# --- The meeting form and its inlines ------------------------------------------------


def test_adding_a_meeting_with_organisation_participant_and_recommendation(client_in, superuser):
    organiser = factories.organization()
    official = factories.position(organization=factories.organization())
    addressee = factories.organization()
    url = admin_url(Meeting, "add")
    data = fill(
        form_data(client_in.get(url), Meeting),
        title_ar="اللقاء التشاوري الموسع في مأرب",
        title_en="Extended consultative meeting in Marib",
        date="2022-11-26",
        start_time="09:00",
        end_time="12:30",
        governorate=factories.governorate().pk,
        attendance_total=40,
        attendance_women=12,
        attendance_men=28,
        **{
            "involvements-0-organization": organiser.pk,
            "involvements-0-role": "organiser",
            "participations-0-person": official.person.pk,
            "participations-0-position": official.pk,
            "participations-0-statement_ar": "أكد على أهمية التنسيق",
            "recommendations-0-text_ar": "تعزيز التنسيق بين السلطة المحلية والمنظمات",
            "recommendations-0-addressees": addressee.pk,
        },
    )
    response = client_in.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    meeting = Meeting.objects.get()
    assert meeting.title_en == "Extended consultative meeting in Marib"
    assert meeting.created_by == superuser
    assert meeting.updated_by == superuser
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.slug
    assert list(meeting.involvements.values_list("organization", "role")) == [(organiser.pk, "organiser")]
    participation = meeting.participations.get()
    assert (participation.person, participation.position, participation.statement_ar) == (
        official.person,
        official,
        "أكد على أهمية التنسيق",
    )
    recommendation = meeting.recommendations.get()
    assert recommendation.order == 1
    assert list(recommendation.addressees.all()) == [addressee]


def test_blank_recommendation_rows_are_numbered_after_the_last_one(client_in):
    meeting = factories.meeting()
    factories.recommendation(meeting, order=1)
    factories.recommendation(meeting, order=2)
    data = form_data(client_in.get(admin_url(Meeting, "change", meeting.pk)), Meeting)
    assert data["recommendations-2-order"] == ["3"]
    add_data = form_data(client_in.get(admin_url(Meeting, "add")), Meeting)
    assert [add_data[f"recommendations-{n}-order"] for n in range(3)] == [["1"], ["2"], ["3"]]


# --- Recommendations and their follow-up ----------------------------------------------


def test_adding_an_update_on_the_recommendation_page_moves_its_status(client_in, superuser):
    recommendation = factories.recommendation()
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = fill(
        form_data(client_in.get(url), Recommendation),
        **{
            "updates-0-date": "2023-02-01",
            "updates-0-status": "in_progress",
            "updates-0-progress": "40",
            "updates-0-note_ar": "بدأت اللجنة المشتركة عملها",
        },
    )
    response = client_in.post(url, data)
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("in_progress", 40)
    update = recommendation.updates.get()
    assert update.author == superuser


def test_status_and_progress_are_read_only_once_there_are_updates(client_in):
    recommendation = factories.recommendation()
    recommendation.set_status(Recommendation.Status.ACCEPTED, progress=10)
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = form_data(client_in.get(url), Recommendation)
    assert "status" not in data
    assert "progress" not in data
    response = client_in.post(url, fill(data, status="implemented", progress="100"))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("accepted", 10)


def test_status_is_editable_before_the_first_update(client_in):
    recommendation = factories.recommendation()
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = form_data(client_in.get(url), Recommendation)
    assert data["status"] == ["proposed"]
    assert client_in.post(url, fill(data, status="accepted", progress="5")).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("accepted", 5)


def test_an_older_update_added_later_does_not_override_the_latest(client_in):
    recommendation = factories.recommendation()
    recommendation.set_status(Recommendation.Status.PARTIAL, progress=60, on=datetime.date(2023, 6, 1))
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = fill(
        form_data(client_in.get(url), Recommendation),
        **{"updates-1-date": "2023-01-01", "updates-1-status": "accepted", "updates-1-progress": "0"},
    )
    assert client_in.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.updates.count() == 2
    assert (recommendation.status, recommendation.progress) == ("partial", 60)


def test_deleting_the_latest_update_inline_restores_the_previous_status(client_in):
    recommendation = factories.recommendation()
    recommendation.set_status(Recommendation.Status.ACCEPTED, progress=10, on=datetime.date(2023, 1, 1))
    recommendation.set_status(Recommendation.Status.IN_PROGRESS, progress=50, on=datetime.date(2023, 5, 1))
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = form_data(client_in.get(url), Recommendation)
    # Newest first: row 0 is the May update.
    assert data["updates-0-date"] == ["2023-05-01"]
    assert client_in.post(url, fill(data, **{"updates-0-DELETE": "on"})).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("accepted", 10)


def test_recording_an_update_on_its_own_page_sets_author_and_status(client_in, superuser):
    recommendation = factories.recommendation()
    url = admin_url(RecommendationUpdate, "add")
    data = fill(
        form_data(client_in.get(url), RecommendationUpdate),
        recommendation=recommendation.pk,
        date="2023-03-01",
        status="implemented",
        progress="100",
    )
    assert client_in.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == ("implemented", 100)
    assert recommendation.updates.get().author == superuser


def test_bulk_deleting_updates_resyncs_their_recommendations(client_in):
    recommendation = factories.recommendation()
    first = recommendation.set_status(Recommendation.Status.ACCEPTED, progress=10, on=datetime.date(2023, 1, 1))
    latest = recommendation.set_status(Recommendation.Status.PARTIAL, progress=70, on=datetime.date(2023, 6, 1))
    response = client_in.post(
        admin_url(RecommendationUpdate, "changelist"),
        {"action": "delete_selected", "_selected_action": [latest.pk], "post": "yes"},
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert list(recommendation.updates.all()) == [first]
    assert (recommendation.status, recommendation.progress) == ("accepted", 10)


# --- Bad input: a clear message, nothing saved, never a 500 ------------------------------


def _meeting_add_data(client, **values):
    data = form_data(client.get(admin_url(Meeting, "add")), Meeting)
    return fill(data, title_ar="لقاء تشاوري", date="2022-11-26", **values)


def _assert_rejected(response, message, params=None):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errornote"' in html
    text = gettext(message)
    assert escape(text if params is None else text % params) in html


def test_attendance_above_the_total_is_rejected(client_in):
    data = _meeting_add_data(
        client_in,
        attendance_total=10,
        attendance_women=6,
        attendance_men=6,
        **{"recommendations-0-text_ar": "توصية"},
    )
    response = client_in.post(admin_url(Meeting, "add"), data)
    _assert_rejected(response, "Women and men attending cannot exceed the total attendance.")
    assert not Meeting.objects.exists()
    assert not Recommendation.objects.exists()


def test_a_meeting_ending_before_it_starts_is_rejected(client_in):
    data = _meeting_add_data(client_in, start_time="12:00", end_time="09:00")
    response = client_in.post(admin_url(Meeting, "add"), data)
    _assert_rejected(response, "The meeting must end after it starts.")
    assert not Meeting.objects.exists()


def test_a_participation_naming_nobody_is_rejected(client_in):
    data = _meeting_add_data(client_in, **{"participations-0-statement_ar": "كلمة بلا صاحب"})
    response = client_in.post(admin_url(Meeting, "add"), data)
    _assert_rejected(response, "Choose a person, a post or an organisation.")
    assert not Meeting.objects.exists()
    assert not Participation.objects.exists()


def test_a_post_not_held_on_the_meeting_day_is_rejected_when_adding(client_in):
    later_post = factories.position(start_date=datetime.date(2024, 1, 1))
    data = _meeting_add_data(
        client_in, **{"participations-0-person": later_post.person.pk, "participations-0-position": later_post.pk}
    )
    response = client_in.post(admin_url(Meeting, "add"), data)
    _assert_rejected(response, "This post was not held on the day of the meeting.")
    assert not Meeting.objects.exists()


def test_duplicate_recommendation_numbers_are_rejected(client_in):
    data = _meeting_add_data(
        client_in,
        **{
            "recommendations-0-text_ar": "الأولى",
            "recommendations-1-text_ar": "الثانية",
            "recommendations-1-order": "1",
        },
    )
    response = client_in.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_implemented_update_below_100_percent_is_rejected(client_in):
    recommendation = factories.recommendation()
    url = admin_url(Recommendation, "change", recommendation.pk)
    data = fill(
        form_data(client_in.get(url), Recommendation),
        **{"updates-0-status": "implemented", "updates-0-progress": "40"},
    )
    response = client_in.post(url, data)
    # A constraint's message is formatted with its name, hence the "%%" in the msgid.
    _assert_rejected(
        response, "An implemented recommendation has 100%% progress.", {"name": "update_implemented_is_100"}
    )
    assert not recommendation.updates.exists()
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.PROPOSED


def test_a_position_ending_before_it_starts_is_rejected_on_the_person_page(client_in):
    person = factories.person()
    url = admin_url(Person, "change", person.pk)
    data = fill(
        form_data(client_in.get(url), Person),
        **{"positions-0-title_ar": "مدير", "positions-0-start_date": "2023-01-01", "positions-0-end_date": "2022-01-01"},
    )
    response = client_in.post(url, data)
    _assert_rejected(response, "The end date must not be before the start date.")
    assert not person.positions.exists()


def test_a_project_ending_before_it_starts_is_rejected(client_in):
    url = admin_url(Project, "add")
    data = fill(form_data(client_in.get(url), Project), name_ar="مشروع", start_date="2023-01-01", end_date="2022-01-01")
    response = client_in.post(url, data)
    _assert_rejected(response, "The end date must not be before the start date.")
    assert not Project.objects.exists()


def test_a_new_tag_gets_its_slug_without_the_hash(client_in):
    url = admin_url(Tag, "add")
    assert client_in.post(url, fill(form_data(client_in.get(url), Tag), name_ar="#مشروع_ساند")).status_code == 302
    tag = Tag.objects.get()
    assert (tag.name_ar, tag.slug) == ("مشروع_ساند", "مشروع_ساند")


# --- Attachments ------------------------------------------------------------------


def test_uploading_an_attachment_records_its_type_size_and_uploader(client_in, superuser):
    meeting = factories.meeting()
    url = admin_url(Attachment, "add")
    data = fill(form_data(client_in.get(url), Attachment), meeting=meeting.pk, kind="minutes", title="المحضر")
    data["file"] = SimpleUploadedFile("minutes.pdf", PDF_BYTES)
    assert client_in.post(url, data).status_code == 302
    attachment = meeting.attachments.get()
    assert (attachment.content_type, attachment.size, attachment.uploaded_by) == (
        "application/pdf",
        len(PDF_BYTES),
        superuser,
    )
    assert not attachment.is_public


def test_a_file_that_is_not_what_its_name_says_is_refused(client_in):
    meeting = factories.meeting()
    url = admin_url(Attachment, "add")
    data = fill(form_data(client_in.get(url), Attachment), meeting=meeting.pk, kind="minutes", title="محضر")
    data["file"] = SimpleUploadedFile("minutes.pdf", b"just some text, not a PDF")
    response = client_in.post(url, data)
    _assert_rejected(response, "This file is not a PDF, JPEG, PNG or WebP file. Only these kinds of file can be attached.")
    assert not Attachment.objects.exists()


def test_deleting_an_attachment_removes_its_file(client_in, django_capture_on_commit_callbacks):
    attachment = _attachment()
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_in.post(admin_url(Attachment, "delete", attachment.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


def test_the_review_log_is_read_only(client_in):
    event = BUILDERS[MeetingEvent]()
    response = client_in.get(admin_url(MeetingEvent, "change", event.pk))
    assert response.status_code == 200
    assert "comment" not in form_data(response, MeetingEvent)
    assert client_in.post(admin_url(MeetingEvent, "change", event.pk), {"comment": "x"}).status_code == 403
