"""The organisation filter of the public lists and of the search page: a text box with an
autocomplete instead of a menu of every organisation (meetings/filters.py, meetings/lookup.py,
meetings/views/lookup.py, static/js/lookup.js).

What it must do: understand a slug (the links of the organisation pages), a name or an
acronym typed by hand in either language and spelling; refuse anything else with a message,
never an error; cost one query when set and none when empty, whatever the number of
organisations; and never resolve, suggest or reveal an organisation known only from drafts.
"""

import html
import json
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from meetings.filters import MeetingFilterForm, OrganizationFilterField, RecommendationFilterForm
from meetings.lookup import clean_text, organization_suggestions
from meetings.models import MeetingOrganization
from search.forms import SearchForm
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

UNKNOWN = OrganizationFilterField.default_error_messages["unknown"]
AMBIGUOUS = OrganizationFilterField.default_error_messages["ambiguous"]
INVALID = OrganizationFilterField.default_error_messages["invalid"]

LISTS = ("meetings:meeting_list", "meetings:recommendation_list", "search:search")
PARAM = {
    "meetings:meeting_list": "organization",
    "meetings:recommendation_list": "addressee",
    "search:search": "organization",
}
FORMS = [(MeetingFilterForm, "organization"), (RecommendationFilterForm, "addressee"), (SearchForm, "organization")]


@pytest.fixture
def client():
    return PortalClient()


def publish_with(*organizations, title=None, role=MeetingOrganization.Role.PARTNER):
    """A published meeting in which ``organizations`` took part, with a recommendation addressed to them."""
    meeting = factories.meeting(title or f"لقاء {organizations[0].name_ar}", published=True)
    for organization in organizations:
        factories.involvement(meeting, organization, role)
    item = factories.recommendation(meeting, text_ar=f"توصية إلى {organizations[0].name_ar}")
    item.addressees.add(*organizations)
    return meeting


@pytest.fixture
def rights():
    """A published organisation with a hamza in its name, an English name and acronyms."""
    organization = factories.organization(
        "منظمة حقوق الإنسان", name_en="Human Rights Organisation", acronym_ar="محا", acronym_en="HRO"
    )
    organization.meeting = publish_with(organization, title="لقاء حول حقوق الإنسان")
    return organization


@pytest.fixture
def other():
    organization = factories.organization("مؤسسة التنمية الريفية", name_en="Rural Development Foundation")
    organization.meeting = publish_with(organization, title="لقاء التنمية الريفية")
    return organization


@pytest.fixture
def twins():
    """Two published organisations with the same name (in different governorates)."""
    first = factories.organization("جمعية الأمل", name_en="Hope Society", governorate=factories.governorate("marib"))
    second = factories.organization("جمعية الأمل", name_en="Hope Society", governorate=factories.governorate("taiz"))
    publish_with(first, title="لقاء الأمل الأول")
    publish_with(second, title="لقاء الأمل الثاني")
    return first, second


@pytest.fixture
def secret():
    """An organisation named only in a draft: the public must learn nothing of it."""
    organization = factories.organization("رابطة الظل الخفية", name_en="Hidden Shadow League", acronym_en="HSL")
    draft = factories.meeting("مسودة لقاء الظل")
    factories.involvement(draft, organization)
    return organization


def plan_without_reading_every_organisation(statement):
    """PostgreSQL's plan of ``statement`` when it may not read every published organisation:
    the indexes that list them all are dropped (in the test's transaction), and neither reading
    the table nor walking a whole index of another column is allowed, so only the indexes of
    the statement's own arms are left. At test size the planner's pick otherwise depends on a
    few narrow rows."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX organization_published, organization_public_list")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


def cleaned(text, form_class=MeetingFilterForm, name="organization"):
    form = form_class({name: text})
    form.is_valid()
    return form.cleaned_data.get(name), form.errors.get(name)


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


def without(body, text):
    """``body`` with ``text`` (the reader's own input, echoed back as typed or in a URL) blanked."""
    return body.replace(text, "INPUT").replace(quote(text), "INPUT")


def error_text(message, name):
    return escape(gettext(message) % {"name": name})


# --- Cleaning -----------------------------------------------------------------------------------


def test_a_slug_chooses_the_organisation_in_one_query(rights, other, django_assert_num_queries):
    form = MeetingFilterForm({"organization": rights.slug})
    with django_assert_num_queries(1):
        assert form.is_valid()
    assert form.cleaned_data["organization"] == rights
    # Rendering the form costs nothing more, and shows the name.
    with django_assert_num_queries(0):
        rendered = str(form["organization"])
    assert f'value="{rights.name}"' in rendered


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the plan of a query")
@pytest.mark.parametrize("typed", ["slug", "منظمة حقوق الإنسان", "hro", "منظمة حقوق الانسان"])
def test_every_arm_of_the_look_up_has_an_index(rights, other, typed):
    """A name or an acronym in any case, the slug and the names it shares, the search vectors:
    each arm of the look-up has an index, so PostgreSQL can answer it by a union of index scans.
    One arm without one (a subquery of keys, tested row by row) left it nothing but reading every
    published organisation's wide row: 13 ms per filtered page at 5,000 (0.2 ms with them).

    Which plan wins at test size depends on the test's few narrow rows, so the test leaves the
    planner no other way than an index of every arm: the indexes that list every published
    organisation are dropped (in the test's transaction) and reading the table is discouraged.
    Without an index for every arm the plan falls back to reading the table."""
    text = rights.slug if typed == "slug" else typed
    with CaptureQueriesContext(connection) as looked_up:
        assert cleaned(text) == (rights, None)
    (statement,) = [q["sql"] for q in looked_up.captured_queries]
    plan = plan_without_reading_every_organisation(statement)
    assert "BitmapOr" in plan, plan
    assert not re.search(r"Seq Scan on meetings_organization\b", plan), plan


def test_a_slug_whose_name_differs_from_another_only_in_case_still_shows_its_name(rights):
    """The slug's namesakes are looked for through the upper-case index, so an organisation
    whose name differs only in case is among the candidates: the name shown must still be the
    organisation's own, and find it again."""
    upper = factories.organization("مؤسسة أخرى", name_en=rights.name_en.upper(), acronym_en="X")
    publish_with(upper, title="لقاء مؤسسة أخرى")
    with translation.override("en"):
        form = MeetingFilterForm({"organization": rights.slug})
        assert form.is_valid() and form.cleaned_data["organization"] == rights
        assert f'value="{rights.name_en}"' in str(form["organization"])
        assert cleaned(rights.name_en) == (rights, None)
        assert cleaned(upper.name_en) == (upper, None)


def test_an_empty_filter_costs_no_query(rights, django_assert_num_queries):
    form = MeetingFilterForm({"organization": ""})
    with django_assert_num_queries(0):
        assert form.is_valid()
        str(form["organization"])
    assert form.cleaned_data["organization"] is None and form.valid_data == {}


@pytest.mark.parametrize(
    "text",
    [
        "منظمة حقوق الإنسان",  # as written
        "  منظمة   حقوق الإنسان ",  # stray spaces
        "منظمة حقوق الانسان",  # without hamza
        "منظمه حقوق الانسان",  # ه for ة
        "مُنَظَّمَة حُقُوق الإِنْسَان",  # with diacritics
        "Human Rights Organisation",
        "human rights ORGANISATION",  # Latin case
        "HRO",
        "hro",
        "محا",  # the Arabic acronym
    ],
)
def test_a_name_or_acronym_typed_by_hand_chooses_the_organisation(rights, other, text):
    organization, errors = cleaned(text)
    assert errors is None and organization == rights


@pytest.mark.parametrize("form_class, name", FORMS)
def test_every_form_returns_the_organisation_itself(rights, form_class, name, django_assert_num_queries):
    data = QueryDict(mutable=True)
    data[name] = "منظمة حقوق الانسان"
    form = form_class(data)
    with django_assert_num_queries(1):
        form.is_valid()
    assert form.cleaned_data[name] == rights
    # The chip of the active filter shows the name, not the slug.
    assert [(chip.label, chip.value) for chip in form.active_filters()] == [(str(form.fields[name].label), rights.name)]


def test_an_unknown_name_is_explained(rights):
    organization, errors = cleaned("منظمة لا وجود لها")
    assert organization is None
    assert errors == [gettext(UNKNOWN) % {"name": "منظمة لا وجود لها"}]


def test_part_of_a_name_is_not_enough(rights):
    """The box asks for one organisation: a word of its name is a search, not a choice."""
    organization, errors = cleaned("حقوق")
    assert organization is None and errors


def test_a_shared_name_asks_to_choose_and_each_slug_still_works(twins):
    organization, errors = cleaned("جمعية الامل")
    assert organization is None
    assert errors == [gettext(AMBIGUOUS) % {"name": "جمعية الامل"}]
    for twin in twins:
        assert cleaned(twin.slug) == (twin, None)
        # The box then shows the slug, which finds it again (the name would not).
        form = MeetingFilterForm({"organization": twin.slug})
        assert form.is_valid()
        assert f'value="{twin.slug}"' in str(form["organization"])


def test_the_value_shown_finds_the_same_organisation_again(rights, other, twins):
    for text in [rights.slug, "hro", "منظمة حقوق الانسان", other.slug, twins[0].slug]:
        form = MeetingFilterForm({"organization": text})
        assert form.is_valid(), (text, form.errors)
        shown = re.search(r'value="([^"]*)"', str(form["organization"])).group(1)
        again = MeetingFilterForm({"organization": html.unescape(shown)})
        assert again.is_valid() and again.cleaned_data["organization"] == form.cleaned_data["organization"], text


def test_a_slug_takes_precedence_over_a_name(rights):
    """A link's slug means that organisation, whatever others are called."""
    namesake = factories.organization(rights.slug)
    publish_with(namesake)
    assert cleaned(rights.slug) == (rights, None)


@pytest.mark.parametrize(
    "text",
    ["\x00", "bad\x00slug", "x" * 10_000, "a\x07b", "\ud800", "\ue000"],
)
def test_characters_no_name_holds_are_refused_without_a_query(rights, text, django_assert_num_queries):
    with django_assert_num_queries(0):
        organization, errors = cleaned(text)
    assert organization is None and errors == [gettext(INVALID)]


@pytest.mark.parametrize("text", ["%%%", "...", "؟!،", "ُ ّ"])
def test_punctuation_only_names_nothing_without_a_query(rights, text, django_assert_num_queries):
    with django_assert_num_queries(0):
        organization, errors = cleaned(text)
    assert organization is None and errors


def test_clean_text():
    assert clean_text("  a \t b\n") == "a b"
    assert clean_text("a\x00b") is None and clean_text("\ud800") is None and clean_text(5) is None


# --- Drafts -------------------------------------------------------------------------------------


def test_an_organisation_known_only_from_drafts_is_never_chosen(rights, secret):
    for text in [secret.slug, secret.name_ar, secret.name_en, "hidden shadow league", "HSL", "رابطة الظل الخفيه"]:
        for form_class, name in FORMS:
            organization, errors = cleaned(text, form_class, name)
            assert organization is None and errors == [gettext(UNKNOWN) % {"name": text}], (text, form_class)


def test_an_organisation_known_only_from_drafts_is_never_suggested(client, rights, secret):
    for text in [secret.name_ar, "الظل", "رابطة", "Hidden", "hsl", secret.slug]:
        assert organization_suggestions(text) == []
        for prefix in ("", "/en"):
            data = json.loads(body_of(client.get(prefix + reverse("meetings:organization_lookup"), {"q": text})))
            assert data == {"results": []}, (prefix, text)


def test_a_draft_only_slug_reads_exactly_like_one_that_never_existed(client, rights, secret):
    """The page must not tell the two apart (not even by a different message)."""
    for url_name in LISTS:
        url = reverse(url_name)
        param = PARAM[url_name]
        hidden = without(body_of(client.get(url, {param: secret.slug})), secret.slug)
        missing = without(body_of(client.get(url, {param: "no-such-organisation"})), "no-such-organisation")
        assert hidden == missing, url_name
        for marker in (secret.name_ar, secret.name_en, "الظل"):
            assert marker not in hidden


def test_a_name_shared_with_a_draft_only_organisation_is_not_ambiguous(client, secret):
    """Only published organisations count: the draft's namesake does not turn the name into a slug."""
    published = factories.organization(secret.name_ar, name_en="Published Namesake")
    publish_with(published)
    assert cleaned(secret.name_ar) == (published, None)
    assert organization_suggestions("رابطة الظل") == [{"value": secret.name_ar, "label": secret.name_ar}]


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", LISTS)
def test_the_filter_is_a_text_box_with_a_datalist(client, rights, url_name):
    body = body_of(client.get(reverse(url_name)))
    param = PARAM[url_name]
    assert f'<select name="{param}"' not in body
    box = re.search(rf'<input type="text" name="{param}"[^>]*>', body).group(0)
    assert 'dir="auto"' in box and 'autocomplete="off"' in box
    assert f'list="id_{param}-suggestions"' in box
    assert f'data-lookup-url="{reverse("meetings:organization_lookup")}"' in box
    assert f'placeholder="{gettext("All organisations")}"' in box
    assert f'<datalist id="id_{param}-suggestions"></datalist>' in body
    assert "js/lookup.js" in body


def assert_only_rights_shown(url_name, body, rights, other):
    if url_name == "meetings:recommendation_list":
        shown, hidden = rights.meeting.recommendations.get(), other.meeting.recommendations.get()
    else:
        shown, hidden = rights.meeting, other.meeting
    assert f'href="{shown.get_absolute_url()}"' in body
    assert f'href="{hidden.get_absolute_url()}"' not in body


@pytest.mark.parametrize("url_name", LISTS)
def test_links_with_a_slug_keep_working(client, rights, other, url_name):
    param = PARAM[url_name]
    extra = {"q": "لقاء"} if url_name == "search:search" else {}
    body = body_of(client.get(reverse(url_name), {param: rights.slug, **extra}))
    assert "notice--error" not in body
    assert_only_rights_shown(url_name, body, rights, other)
    # The box shows the name; the chip too.
    assert re.search(rf'<input type="text" name="{param}" value="{re.escape(rights.name)}"', body)
    assert re.search(rf'class="chip__label">[^<]+:</span> <bdi>{re.escape(rights.name)}</bdi>', body)


@pytest.mark.parametrize("url_name", LISTS)
def test_a_name_typed_by_hand_filters_the_list(client, rights, other, url_name):
    param = PARAM[url_name]
    extra = {"q": "لقاء"} if url_name == "search:search" else {}
    body = body_of(client.get(reverse(url_name), {param: "منظمه حقوق الانسان", **extra}))
    assert "notice--error" not in body
    assert_only_rights_shown(url_name, body, rights, other)
    assert f'value="{rights.name}"' in body


HOSTILE = [
    "\x00",
    "bad\x00slug",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"حقوق" OR الإنسان*',
    "NEAR(حقوق الإنسان)",
    "حقوق AND NOT الإنسان",
    "%_%",
    "!!!",
    "-",
    "\\",
]


@pytest.mark.parametrize("url_name", LISTS)
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_a_message_not_an_error(client, rights, url_name, text):
    param = PARAM[url_name]
    response = client.get(reverse(url_name), {param: text})
    body = body_of(response)
    assert 'class="notice notice--error" role="alert"' in body
    assert "<script>alert" not in body
    assert any(
        message in body for message in (gettext(INVALID), escape(gettext(UNKNOWN) % {"name": text})[:40])
    ), text
    if url_name == "meetings:meeting_list":
        assert rights.meeting.title in body  # the bad filter is ignored, the list still shows


def test_the_message_quotes_a_long_name_cut_short(client, rights):
    text = "منظمة " * 40
    body = body_of(client.get(reverse("meetings:meeting_list"), {"organization": text}))
    quoted = " ".join(text.split())[:80] + "…"
    assert error_text(UNKNOWN, quoted) in body


def test_the_english_site_understands_and_shows_english_names(client, rights, other):
    with translation.override("en"):
        url = reverse("meetings:meeting_list")
        lookup_url = reverse("meetings:organization_lookup")
    assert url.startswith("/en/") and lookup_url == "/en/lookup/organizations/"
    body = body_of(client.get(url, {"organization": "human rights organisation"}))
    assert "notice--error" not in body
    assert f'href="/en{rights.meeting.get_absolute_url()}"' in body
    assert other.meeting.title not in body
    assert 'value="Human Rights Organisation"' in body
    assert "<bdi>Human Rights Organisation</bdi>" in body
    assert f'data-lookup-url="{lookup_url}"' in body
    # The Arabic name is understood there too.
    body = body_of(client.get(url, {"organization": "منظمة حقوق الانسان"}))
    assert 'value="Human Rights Organisation"' in body and other.meeting.title not in body
    with translation.override("en"):
        message = gettext(UNKNOWN) % {"name": "Nobody"}
    assert escape(message) in body_of(client.get(url, {"organization": "Nobody"}))


# --- Query counts: tests/test_organization_filter_query_counts.py ---------------------------


def add_organizations(meeting, count, *, start=0):
    names = []
    for i in range(start, start + count):
        organization = factories.organization(f"منظمة مشاركة رقم {i:03d}", name_en=f"Participant {i:03d}")
        factories.involvement(meeting, organization, MeetingOrganization.Role.PARTICIPANT)
        names.append(organization.name_ar)
    return names


# --- The look-up endpoint -----------------------------------------------------------------------


def lookup(client, q, prefix=""):
    response = client.get(prefix + reverse("meetings:organization_lookup"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["results"]


def test_the_lookup_suggests_published_organisations_by_part_of_their_name(
    client, rights, other, django_assert_num_queries
):
    with django_assert_num_queries(2):
        results = lookup(client, "حقوق")
    assert results == [{"value": rights.name_ar, "label": f"{rights.name_ar} · محا"}]
    assert lookup(client, "التنمية") == [{"value": other.name_ar, "label": other.name_ar}]
    assert [r["value"] for r in lookup(client, "hro")] == [rights.name_ar]
    assert [r["value"] for r in lookup(client, "rural")] == [other.name_ar]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the plan of a query")
@pytest.mark.parametrize("typed", ["حقوق", "الانسان", "hro", "rural dev"])
def test_every_arm_of_the_suggestions_has_an_index(client, rights, other, typed):
    """The autocomplete looks for the typed text inside each name, acronym and search title
    (``icontains``), which trigram indexes answer (migration 0024), and matches the search
    vectors: PostgreSQL can unite index scans instead of reading every organisation (47-52 ms
    at 5,000). As in the look-up's test above, the indexes that list every published
    organisation are dropped in the test's transaction, so the plan cannot fall back to one."""
    with CaptureQueriesContext(connection) as typed_in:
        assert lookup(client, typed)
    statement = typed_in.captured_queries[0]["sql"]
    assert "LIKE" in statement
    plan = plan_without_reading_every_organisation(statement)
    assert "BitmapOr" in plan, plan
    assert re.search(r"Scan on organization_name_ar_trgm\b", plan), plan
    assert not re.search(r"Seq Scan on meetings_organization\b", plan), plan


def test_the_lookup_finds_spelling_variants(client, rights):
    assert [r["value"] for r in lookup(client, "الانسان")] == [rights.name_ar]
    assert [r["value"] for r in lookup(client, "حقوق الانسان")] == [rights.name_ar]


def test_the_lookup_gives_slugs_for_shared_names(client, twins):
    results = lookup(client, "الأمل")
    assert sorted(r["value"] for r in results) == sorted(twin.slug for twin in twins)
    labels = {r["label"] for r in results}
    assert labels == {"جمعية الأمل · مأرب", "جمعية الأمل · تعز"}
    # Each value chooses its organisation.
    for result in results:
        assert cleaned(result["value"])[0].slug == result["value"]


def test_the_lookup_in_english(client, rights, twins):
    results = lookup(client, "human", prefix="/en")
    assert results == [{"value": "Human Rights Organisation", "label": "Human Rights Organisation · HRO"}]
    assert [r["value"] for r in lookup(client, "حقوق", prefix="/en")] == ["Human Rights Organisation"]
    assert {r["label"] for r in lookup(client, "hope", prefix="/en")} == {"Hope Society · Marib", "Hope Society · Taiz"}
    for result in lookup(client, "الانسان", prefix="/en"):
        with translation.override("en"):
            assert cleaned(result["value"])[0] == rights


def test_the_lookup_gives_at_most_ten_in_two_queries(client, django_assert_num_queries):
    meeting = factories.meeting("لقاء كبير", published=True)
    add_organizations(meeting, 25)
    with django_assert_num_queries(2):
        results = lookup(client, "مشاركة")
    assert len(results) == 10
    assert results[0]["value"] == "منظمة مشاركة رقم 000"


@pytest.mark.parametrize("q", ["", " ", "ح", "  a  "])
def test_the_lookup_needs_two_characters(client, rights, q, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lookup(client, q) == []


@pytest.mark.parametrize("q", HOSTILE + ["\ud800x", "a" * 100_000])
def test_the_lookup_never_fails_on_hostile_input(client, rights, q, django_assert_max_num_queries):
    if "\ud800" in q:
        assert organization_suggestions(q) == []
        return
    with django_assert_max_num_queries(2):
        results = lookup(client, q)
    assert isinstance(results, list)


def test_the_lookup_is_cacheable_and_read_only(client, rights):
    url = reverse("meetings:organization_lookup")
    response = client.get(url, {"q": "حقوق"})
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=300" in cache_control
    assert client.head(url, {"q": "حقوق"}).status_code == 200
    assert client.post(url, {"q": "حقوق"}).status_code == 405
    assert client.get(url).status_code == 200


def test_the_lookup_finds_part_of_a_word_typed_without_hamza(client, rights, other):
    assert [r["value"] for r in lookup(client, "حقوق الانس")] == [rights.name_ar]
    assert [r["value"] for r in lookup(client, "منظمه حق")] == [rights.name_ar]
