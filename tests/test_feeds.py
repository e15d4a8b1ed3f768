"""Feeds, calendars, sitemap and robots.txt: only published records, no protected names, fixed queries."""

import datetime
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from meetings import calendar
from meetings.feeds import FEED_LIMIT
from meetings.models import Meeting, MeetingOrganization, Participation, Recommendation
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

# A protected participant of a published meeting: this name must never leave the site.
PROTECTED_NAME = "عبدالرقيب المحمي الفريد"


def at(day, hour=10):
    return datetime.datetime(2022, 12, day, hour, 0, tzinfo=datetime.timezone.utc)


def set_published_at(meeting, moment):
    Meeting.objects.filter(pk=meeting.pk).update(published_at=moment)
    meeting.refresh_from_db()


@pytest.fixture(autouse=True)
def calendar_window(settings):
    """The meetings here were held in 2022: the calendars' window reaches back to them."""
    settings.SANAD_CALENDAR_DAYS_BACK = (datetime.date.today() - datetime.date(2020, 1, 1)).days


@pytest.fixture
def world(db):
    """Two published meetings (Marib, Taiz) and draft, in-review and archived ones that must stay hidden."""
    marib, taiz = factories.governorate("marib"), factories.governorate("taiz")
    organiser = factories.organization("مؤسسة ساند للتنمية", name_en="Sanad Development Foundation")
    funder = factories.organization("صندوق الدعم المدني", name_en="Civic Support Fund")
    represented = factories.organization("مكتب حقوق الإنسان بمأرب", name_en="Marib Human Rights Office")
    sanad_project = factories.project("مشروع سند", name_en="Sanad project")
    sanad_tag = factories.tag("مشروع_ساند")

    published = factories.meeting(
        "اللقاء التشاوري المنشور في مأرب",
        title_en="Published consultation in Marib",
        summary_ar="ناقش اللقاء تعزيز الحماية.",
        summary_en="The meeting discussed stronger protection.",
        venue_ar="قاعة بلقيس",
        venue_en="Bilqis Hall",
        city_ar="مدينة مأرب",
        city_en="Marib City",
        governorate=marib,
        project=sanad_project,
        published=True,
    )
    set_published_at(published, at(1))
    published.tags.add(sanad_tag)
    factories.involvement(published, organiser, role=MeetingOrganization.Role.ORGANISER)
    factories.involvement(published, funder, role=MeetingOrganization.Role.FUNDER)
    factories.participation(
        published, factories.person(PROTECTED_NAME), organization=represented, statement_ar="طالب بحماية الشهود."
    )

    in_taiz = factories.meeting(
        "جلسة حوارية منشورة في تعز",
        title_en="Published dialogue in Taiz",
        governorate=taiz,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 30),
        published=True,
    )
    set_published_at(in_taiz, at(5))

    draft_only_org = factories.organization("منظمة لا تظهر إلا في المسودات")
    draft_only_project = factories.project("مشروع لا يظهر إلا في المسودات")
    draft_tag = factories.tag("وسم_المسودة")
    draft = factories.meeting("مسودة لقاء سري في مأرب", governorate=marib, project=draft_only_project)
    draft.tags.add(sanad_tag, draft_tag)
    factories.involvement(draft, organiser)
    factories.involvement(draft, draft_only_org)
    review = factories.meeting("لقاء قيد المراجعة في مأرب", status=Meeting.Status.REVIEW, governorate=marib)
    factories.involvement(review, organiser)
    archived = factories.meeting(
        "لقاء مؤرشف في مأرب", status=Meeting.Status.ARCHIVED, governorate=marib, project=sanad_project
    )
    Meeting.objects.filter(pk=archived.pk).update(published_at=at(9))

    recommendation = factories.recommendation(published, "تفعيل لجنة الحماية المحلية", text_en="Activate the local protection committee")
    update = recommendation.set_status(
        Recommendation.Status.IN_PROGRESS,
        progress=40,
        note="بدأت اللجنة اجتماعاتها",
        note_en="The committee has started meeting",
        on=datetime.date(2022, 12, 10),
        meeting=draft,  # a follow-up meeting that is not public: it must not be named
    )
    draft_recommendation = factories.recommendation(draft, "توصية من لقاء غير منشور")
    draft_recommendation.set_status(Recommendation.Status.ACCEPTED, note="تحديث سري على توصية غير منشورة")

    return SimpleNamespace(
        marib=marib,
        taiz=taiz,
        organiser=organiser,
        funder=funder,
        represented=represented,
        project=sanad_project,
        tag=sanad_tag,
        published=published,
        in_taiz=in_taiz,
        draft=draft,
        review=review,
        archived=archived,
        draft_only_org=draft_only_org,
        draft_only_project=draft_only_project,
        draft_tag=draft_tag,
        recommendation=recommendation,
        update=update,
        draft_recommendation=draft_recommendation,
        hidden_texts=[
            draft.title,
            review.title,
            archived.title,
            draft_recommendation.text,
            "تحديث سري على توصية غير منشورة",
            draft_only_org.name,
            draft_only_project.name,
        ],
    )


def url(name, language="ar", **kwargs):
    with translation.override(language):
        return reverse(f"meetings:{name}", kwargs=kwargs or None)


def absolute(path):
    return f"http://testserver{path}"


def page_url(obj, language="ar"):
    with translation.override(language):
        return absolute(obj.get_absolute_url())


def fetch(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(content_type)
    return response


def feed(client, path):
    """The parsed entries of an RSS 2.0 or Atom 1.0 feed (parsing proves it is well-formed XML)."""
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    root = ET.fromstring(response.content)
    if root.tag == "rss":
        channel = root.find("channel")
        entries = [
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "guid": item.findtext("guid"),
                "description": item.findtext("description"),
                "date": item.findtext("pubDate"),
                "categories": [c.text for c in item.findall("category")],
            }
            for item in channel.findall("item")
        ]
        return SimpleNamespace(
            kind="rss",
            id=channel.find(f"{ATOM}link").get("href"),
            title=channel.findtext("title"),
            link=channel.findtext("link"),
            language=channel.findtext("language"),
            entries=entries,
        )
    assert root.tag == f"{ATOM}feed"
    entries = [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "guid": entry.findtext(f"{ATOM}id"),
            "description": entry.findtext(f"{ATOM}summary"),
            "date": entry.findtext(f"{ATOM}published"),
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        }
        for entry in root.findall(f"{ATOM}entry")
    ]
    return SimpleNamespace(
        kind="atom",
        id=root.findtext(f"{ATOM}id"),
        title=root.findtext(f"{ATOM}title"),
        link=root.find(f"{ATOM}link").get("href"),
        language=root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        entries=entries,
    )


def titles(parsed):
    return [entry["title"] for entry in parsed.entries]


FORMATS = ["rss", "atom"]


# --- Meeting feeds -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_site_feed_lists_published_meetings_newest_published_first(client, world, fmt):
    parsed = feed(client, url(f"feed_meetings_{fmt}"))
    assert titles(parsed) == [world.in_taiz.title, world.published.title]
    assert parsed.language == "ar"
    assert parsed.link == absolute(url("home"))
    assert parsed.id == absolute(url(f"feed_meetings_{fmt}"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_site_feed_leaves_out_draft_review_and_archived_meetings(client, world, fmt):
    body = client.get(url(f"feed_meetings_{fmt}")).content.decode()
    for hidden in [world.draft.title, world.review.title, world.archived.title]:
        assert hidden not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_item_carries_absolute_link_summary_date_and_tags(client, world, fmt):
    entry = next(e for e in feed(client, url(f"feed_meetings_{fmt}")).entries if e["title"] == world.published.title)
    assert entry["link"] == page_url(world.published)
    assert world.published.summary_ar in entry["description"]
    assert "قاعة بلقيس" in entry["description"]
    assert entry["categories"] == ["مشروع_ساند"]
    expected_date = "Thu, 01 Dec 2022 10:00:00 +0000" if fmt == "rss" else "2022-12-01T10:00:00+00:00"
    assert entry["date"] == expected_date


def test_site_feed_is_limited_to_the_newest_meetings(client, world):
    for day in range(FEED_LIMIT):
        factories.meeting(f"لقاء إضافي {day}", published=True)
    parsed = feed(client, url("feed_meetings_rss"))
    assert len(parsed.entries) == FEED_LIMIT
    assert world.published.title not in titles(parsed)  # published earliest, so pushed out


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_feed_uses_english_fields_and_language(client, world, fmt):
    parsed = feed(client, url(f"feed_meetings_{fmt}", language="en"))
    assert parsed.language == "en"
    assert titles(parsed) == ["Published dialogue in Taiz", "Published consultation in Marib"]
    entry = parsed.entries[1]
    assert entry["link"] == page_url(world.published, "en")
    assert "/en/" in entry["link"]
    assert "The meeting discussed stronger protection." in entry["description"]
    assert "Bilqis Hall" in entry["description"]
    assert parsed.title == "Sanad: newly published meetings"


@pytest.mark.parametrize("fmt", FORMATS)
def test_governorate_feed_lists_only_that_governorates_published_meetings(client, world, fmt):
    parsed = feed(client, url(f"feed_governorate_{fmt}", slug="marib"))
    assert titles(parsed) == [world.published.title]
    assert parsed.link == page_url(world.marib)
    assert titles(feed(client, url(f"feed_governorate_{fmt}", slug="taiz"))) == [world.in_taiz.title]
    assert titles(feed(client, url(f"feed_governorate_{fmt}", slug="aden"))) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_organisation_feed_counts_every_role(client, world, fmt):
    for organization in [world.organiser, world.funder, world.represented]:
        parsed = feed(client, url(f"feed_organization_{fmt}", slug=organization.slug))
        assert titles(parsed) == [world.published.title], organization
    assert parsed.link == page_url(world.represented)


def test_organisation_feed_does_not_repeat_a_meeting_for_several_roles(client, world):
    factories.involvement(world.published, world.organiser, role=MeetingOrganization.Role.PARTNER)
    Participation.objects.create(meeting=world.published, organization=world.organiser)
    assert titles(feed(client, url("feed_organization_rss", slug=world.organiser.slug))) == [world.published.title]


@pytest.mark.parametrize("fmt", FORMATS)
def test_project_feed_lists_only_the_projects_published_meetings(client, world, fmt):
    parsed = feed(client, url(f"feed_project_{fmt}", slug=world.project.slug))
    assert titles(parsed) == [world.published.title]  # not the archived meeting of the same project
    assert parsed.link == page_url(world.project)


@pytest.mark.parametrize(
    "name, slug",
    [
        ("feed_governorate_rss", "atlantis"),
        ("feed_governorate_atom", "atlantis"),
        ("feed_organization_rss", "لا-توجد"),
        ("feed_organization_atom", "no-such-organisation"),
        ("feed_project_rss", "no-such-project"),
        ("feed_project_atom", "لا-يوجد"),
        ("calendar_governorate", "atlantis"),
    ],
)
def test_unknown_slug_is_404(client, world, name, slug):
    assert client.get(url(name, slug=slug)).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_organisation_or_project_known_only_from_drafts_is_404(client, world, fmt):
    assert client.get(url(f"feed_organization_{fmt}", slug=world.draft_only_org.slug)).status_code == 404
    assert client.get(url(f"feed_project_{fmt}", slug=world.draft_only_project.slug)).status_code == 404


# --- Recommendation follow-up feed ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_update_feed_lists_updates_of_published_meetings_only(client, world, fmt):
    parsed = feed(client, url(f"feed_recommendation_updates_{fmt}"))
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert "تفعيل لجنة الحماية المحلية" in entry["title"]
    assert "40%" in entry["title"]
    assert entry["link"] == page_url(world.recommendation)
    assert entry["guid"] == f"{page_url(world.recommendation)}#update-{world.update.pk}"
    assert "بدأت اللجنة اجتماعاتها" in entry["description"]
    assert world.published.title in entry["description"]
    body = client.get(url(f"feed_recommendation_updates_{fmt}")).content.decode()
    assert world.draft_recommendation.text not in body
    assert "تحديث سري على توصية غير منشورة" not in body


def test_update_feed_does_not_name_an_unpublished_follow_up_meeting(client, world):
    body = client.get(url("feed_recommendation_updates_rss")).content.decode()
    assert world.update.meeting == world.draft
    assert world.draft.title not in body


def test_update_feed_drops_updates_when_their_meeting_is_unpublished(client, world):
    world.published.unpublish()
    assert feed(client, url("feed_recommendation_updates_rss")).entries == []


def test_english_update_feed_uses_english_text(client, world):
    entry = feed(client, url("feed_recommendation_updates_atom", language="en")).entries[0]
    assert entry["title"] == "In progress (40%): Activate the local protection committee"
    assert "The committee has started meeting" in entry["description"]


# --- iCalendar ---------------------------------------------------------------------


def unfold(body):
    return body.replace("\r\n ", "")


def events(body):
    """Each VEVENT as {property name: (parameters, value)}."""
    found, current = [], None
    for line in unfold(body).split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            head, value = line.split(":", 1)
            name, *parameters = head.split(";")
            current[name] = (parameters, value)
    return found


def unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_calendar_is_rfc5545_text_with_one_event_per_published_meeting(client, world):
    body = fetch(client, url("calendar_meetings"), "text/calendar").content.decode("utf-8")
    lines = unfold(body).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert lines.count("BEGIN:VCALENDAR") == lines.count("END:VCALENDAR") == 1
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert "VERSION:2.0" in lines
    assert "\n" not in body.replace("\r\n", "") and "\r" not in body.replace("\r\n", "")
    summaries = {unescape(event["SUMMARY"][1]) for event in events(body)}
    assert summaries == {world.published.title, world.in_taiz.title}
    for hidden in world.hidden_texts:
        assert hidden not in unfold(body)


def test_calendar_all_day_when_time_unknown_and_utc_when_known(client, world, settings):
    settings.TIME_ZONE = "Asia/Aden"
    by_url = {event["URL"][1]: event for event in events(client.get(url("calendar_meetings")).content.decode())}
    all_day = by_url[page_url(world.published)]
    assert all_day["DTSTART"] == (["VALUE=DATE"], "20221126")
    assert all_day["DTEND"] == (["VALUE=DATE"], "20221127")
    timed = by_url[page_url(world.in_taiz)]
    assert timed["DTSTART"] == ([], "20221126T060000Z")  # 09:00 in Aden is 06:00 UTC
    assert timed["DTEND"] == ([], "20221126T093000Z")


def test_calendar_event_has_stable_uid_stamp_place_and_description(client, world):
    first = {e["URL"][1]: e for e in events(client.get(url("calendar_meetings")).content.decode())}
    again = {e["URL"][1]: e for e in events(client.get(url("calendar_meetings")).content.decode())}
    event = first[page_url(world.published)]
    assert event["UID"][1] == f"meeting-{world.published.pk}@testserver"
    assert again[page_url(world.published)]["UID"] == event["UID"]
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][1])
    assert unescape(event["LOCATION"][1]) == "قاعة بلقيس، مدينة مأرب، مأرب"
    assert unescape(event["DESCRIPTION"][1]) == f"{world.published.summary_ar}\n\n{page_url(world.published)}"
    assert unescape(event["CATEGORIES"][1]) == "مشروع_ساند"



def test_calendar_categories_are_each_events_tags_in_the_readers_language(client, world):
    """The tags are read in one statement for all events (``Tag.objects.names_by_meeting``):
    each event has its own, by name, in the page's language or else in Arabic; an event
    without tags has no CATEGORIES."""
    from meetings.models import Tag

    Tag.objects.filter(pk=world.published.tags.get().pk).update(name_en="sanad_project")
    world.published.tags.add(Tag.objects.create(name_ar="أمن_مأرب"), Tag.objects.create(name_ar="ب_وسم", name_en="a_tag"))
    for language, names in (("ar", {"أمن_مأرب", "ب_وسم", "مشروع_ساند"}), ("en", {"a_tag", "sanad_project", "أمن_مأرب"})):
        by_url = {e["URL"][1]: e for e in events(client.get(url("calendar_meetings", language)).content.decode())}
        categories = by_url[page_url(world.published, language)]["CATEGORIES"][1].split(",")
        assert set(categories) == names
        with translation.override(language):  # in the order of the tags' own ordering
            assert categories == [tag.name for tag in world.published.tags.all()]
        assert "CATEGORIES" not in by_url[page_url(world.in_taiz, language)]

def test_calendar_escapes_text_and_folds_long_arabic_lines(client, world):
    Meeting.objects.filter(pk=world.in_taiz.pk).update(
        title_ar="اجتماع " * 40,
        title_en="Review; planning, and \\ follow-up",
        venue_en="Hall 3; Block B",
        summary_en="First line\nSecond, line",
    )
    body = client.get(url("calendar_meetings", language="en")).content.decode("utf-8")
    event = next(e for e in events(body) if e["URL"][1] == page_url(world.in_taiz, "en"))
    assert event["SUMMARY"][1] == "Review\\; planning\\, and \\\\ follow-up"
    assert event["LOCATION"][1] == "Hall 3\\; Block B\\, Taiz"
    assert event["DESCRIPTION"][1].startswith("First line\\nSecond\\, line\\n\\n")

    arabic = client.get(url("calendar_meetings")).content
    assert all(len(line) <= 75 for line in arabic.split(b"\r\n"))
    arabic_event = next(e for e in events(arabic.decode("utf-8")) if e["URL"][1] == page_url(world.in_taiz))
    assert unescape(arabic_event["SUMMARY"][1]) == "اجتماع " * 40


def test_governorate_calendar_lists_only_that_governorate(client, world):
    body = fetch(client, url("calendar_governorate", slug="taiz"), "text/calendar").content.decode()
    assert [unescape(e["SUMMARY"][1]) for e in events(body)] == [world.in_taiz.title]
    assert "X-WR-CALNAME:" in body


def test_fold_never_splits_a_utf8_character_and_unfolds_to_the_original():
    line = "SUMMARY:" + "لقاء تشاوري موسع " * 12 + "x"
    folded = calendar.fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert unfold(folded) == line


def test_fold_leaves_short_lines_alone():
    assert calendar.fold("VERSION:2.0") == "VERSION:2.0"
    assert calendar.fold("X" * 75) == "X" * 75
    assert calendar.fold("X" * 76) == "X" * 75 + "\r\n X"


def test_escape_text_escapes_specials_and_drops_control_characters():
    assert calendar.escape_text("a\\b;c,d\r\ne\nf\x07g\th") == "a\\\\b\\;c\\,d\\ne\\nfg\th"


# --- Sitemap and robots.txt ----------------------------------------------------------


def sitemap_sections(client):
    """The sitemaps the index (/sitemap.xml) names, as paths."""
    root = ET.fromstring(fetch(client, "/sitemap.xml", "application/xml").content)
    return [entry.findtext(f"{SITEMAP}loc").removeprefix("http://testserver") for entry in root.findall(f"{SITEMAP}sitemap")]


def sitemap_urls(client):
    """Every URL of every sitemap the index names."""
    found = {}
    index = ET.fromstring(fetch(client, "/sitemap.xml", "application/xml").content)
    for section in index.findall(f"{SITEMAP}sitemap"):
        location = section.findtext(f"{SITEMAP}loc")
        path = location.split("://", 1)[1].split("/", 1)[1]
        found.update(sitemap_page_urls(client, "/" + path))
    return found


def sitemap_page_urls(client, path):
    root = ET.fromstring(fetch(client, path, "application/xml").content)
    found = {}
    for entry in root.findall(f"{SITEMAP}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}
        found[entry.findtext(f"{SITEMAP}loc")] = SimpleNamespace(
            lastmod=entry.findtext(f"{SITEMAP}lastmod"), alternates=alternates
        )
    return found


def test_sitemap_lists_each_public_page_in_both_languages(client, world):
    found = sitemap_urls(client)
    for obj in [
        world.published,
        world.in_taiz,
        world.recommendation,
        world.organiser,
        world.funder,
        world.represented,
        world.project,
        world.marib,
        world.taiz,
        world.tag,
    ]:
        arabic, english = page_url(obj, "ar"), page_url(obj, "en")
        assert arabic in found and english in found, obj
        assert found[arabic].alternates == {"ar": arabic, "en": english}
        assert found[english].lastmod, obj


def test_sitemap_leaves_out_everything_known_only_from_unpublished_meetings(client, world):
    found = sitemap_urls(client)
    hidden = [
        world.draft,
        world.review,
        world.archived,
        world.draft_recommendation,
        world.draft_only_org,
        world.draft_only_project,
        world.draft_tag,
        factories.governorate("aden"),  # no meetings at all
    ]
    for obj in hidden:
        assert page_url(obj, "ar") not in found and page_url(obj, "en") not in found, obj


def test_sitemap_governorate_lastmod_is_its_latest_published_meeting(client, world):
    found = sitemap_urls(client)
    assert found[page_url(world.marib)].lastmod.startswith("2022-12-01")
    assert found[page_url(world.taiz)].lastmod.startswith("2022-12-05")


def test_robots_txt_keeps_crawlers_out_of_admin_staff_and_media_and_names_the_sitemap(client, db):
    lines = fetch(client, "/robots.txt", "text/plain").content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for rule in ["Disallow: /admin/", "Disallow: /en/admin/", "Disallow: /staff/", "Disallow: /en/staff/", "Disallow: /media/",
                 "Disallow: /lookup/organizations/", "Disallow: /en/lookup/organizations/"]:
        assert rule in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_site_url_setting_makes_every_absolute_link(client, world, settings):
    settings.SITE_URL = "https://sanad.example.org"
    with translation.override("ar"):
        path = world.published.get_absolute_url()
    rss = feed(client, url("feed_meetings_rss"))
    assert rss.link.startswith("https://sanad.example.org/")
    assert f"https://sanad.example.org{path}" in [e["link"] for e in rss.entries]
    assert f"https://sanad.example.org{path}" in sitemap_urls(client)
    ics = client.get(url("calendar_meetings")).content.decode()
    assert f"UID:meeting-{world.published.pk}@sanad.example.org" in unfold(ics)
    assert "Sitemap: https://sanad.example.org/sitemap.xml" in client.get("/robots.txt").content.decode()


# --- Safety and cost, across every endpoint -----------------------------------------------


def endpoints(world):
    """(path, expected queries) of every feed, calendar and sitemap, in both languages."""
    found = []
    for language in ["ar", "en"]:
        for fmt in FORMATS:
            found += [
                (url(f"feed_meetings_{fmt}", language), 2),
                (url(f"feed_governorate_{fmt}", language, slug="marib"), 3),
                # (the organisation, its summary count of meetings, the meetings, their tags)
                (url(f"feed_organization_{fmt}", language, slug=world.organiser.slug), 4),
                (url(f"feed_project_{fmt}", language, slug=world.project.slug), 3),
                (url(f"feed_recommendation_updates_{fmt}", language), 1),
            ]
        found += [
            (url("calendar_meetings", language), 2),
            (url("calendar_governorate", language, slug="marib"), 3),
        ]
    # The index: the highest id of each section.
    sitemaps = [("/sitemap.xml", 6)] + [
        (f"/sitemap-{section}.xml", 2)  # the highest id (is the page in range?), the items
        for section in ("meetings", "recommendations", "organisations", "projects", "governorates", "tags")
    ]
    return found + sitemaps + [("/robots.txt", 0)]


def test_protected_person_is_named_nowhere(client, world):
    for path, _queries in endpoints(world):
        body = client.get(path).content.decode("utf-8")
        assert PROTECTED_NAME not in unfold(body), path


def test_nothing_unpublished_appears_anywhere(client, world):
    for path, _queries in endpoints(world):
        body = unfold(client.get(path).content.decode("utf-8"))
        for hidden in world.hidden_texts:
            assert hidden not in body, (path, hidden)


def add_published_meetings(count, world):
    """Published meetings in Marib with everything a feed item may touch: tags, organisations, updates."""
    for n in range(count):
        meeting = factories.meeting(governorate=world.marib, project=world.project, published=True)
        meeting.tags.add(world.tag, factories.tag())
        factories.involvement(meeting, world.organiser)
        factories.involvement(meeting, factories.organization(), role=MeetingOrganization.Role.PARTNER)
        recommendation = factories.recommendation(meeting, theme=factories.theme())
        recommendation.set_status(Recommendation.Status.ACCEPTED, note=f"ملاحظة {n}")


def test_every_endpoint_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for size in [1, 6]:
        add_published_meetings(size, world)
        for path, queries in endpoints(world):
            with django_assert_num_queries(queries):
                assert client.get(path).status_code == 200, path


def test_every_sitemap_url_is_a_live_public_page(client, world):
    """Search engines are sent only to pages that exist, in both languages."""
    for location in sitemap_urls(client):
        path = location.removeprefix("http://testserver")
        assert client.get(path).status_code == 200, path
