"""Public pages cached for anonymous readers (meetings/page_cache.py): the same bytes as
uncached pages, every change visible on the next request, staff and private pages never
cached. On the local-memory cache and on a real Redis."""

import datetime
import gzip
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import page_cache
from meetings.models import Meeting, Person, Recommendation
from tests import factories
from tests.portal import PortalClient
from tests.staff_helpers import PASSWORD, fast_passwords, make_world  # noqa: F401

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def client():
    return PortalClient()


def _enable(settings, tmp_path, backend, *, min_uses=1):
    """Each test gets a cache of its own (a fresh local-memory one, or its own Redis key prefix).

    A page is stored on its first request (``min_uses=1``) in the tests of what is stored and
    when it goes; the tests of admission ("Addresses asked for once") use the default, 2."""
    settings.CACHES = {"default": backend}
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"
    settings.PAGE_CACHE_MIN_USES = min_uses


@pytest.fixture
def cached(settings, tmp_path):
    """The page cache on, in a local-memory cache of this test's own."""
    _enable(settings, tmp_path, {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex})


@pytest.fixture
def admitting(settings, tmp_path):
    """The page cache on, in a local-memory cache of this test's own, with the default admission."""
    _enable(
        settings,
        tmp_path,
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
        min_uses=2,
    )


def _redis_cache(settings, tmp_path, min_uses):
    redis = pytest.importorskip("redis", reason="the redis package is not installed (requirements.txt pins it)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}): start redis-server to run this test")
    prefix = f"sanad-test-{uuid.uuid4().hex}"
    _enable(
        settings,
        tmp_path,
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
        min_uses=min_uses,
    )
    client = redis.Redis.from_url(REDIS_URL)
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def redis_cached(settings, tmp_path):
    """The page cache on, in the Redis at 127.0.0.1:6379, under a key prefix of this test's own."""
    yield from _redis_cache(settings, tmp_path, min_uses=1)


@pytest.fixture
def redis_admitting(settings, tmp_path):
    """As ``redis_cached``, with the default admission; gives the Redis client and the key prefix."""
    yield from _redis_cache(settings, tmp_path, min_uses=2)


@pytest.fixture
def marib(db):
    return factories.full_meeting("اللقاء التشاوري الموسع في مأرب", date=datetime.date(2022, 11, 26))


def public_urls(meeting):
    recommendation = meeting.recommendations.first()
    organization = meeting.involvements.first().organization
    urls = [
        "/",
        reverse("meetings:meeting_list"),
        reverse("meetings:meeting_list") + "?governorate=marib",
        meeting.get_absolute_url(),
        reverse("meetings:recommendation_list"),
        reverse("meetings:recommendation_detail", args=[recommendation.pk]),
        reverse("meetings:organization_list"),
        reverse("meetings:organization_detail", args=[organization.slug]),
        reverse("meetings:governorate_detail", args=["marib"]),
        reverse("meetings:feed_meetings_rss"),
        reverse("meetings:feed_recommendation_updates_atom"),
        reverse("meetings:calendar_meetings"),
        reverse("search:search") + "?q=مأرب",
        "/sitemap.xml",
        "/robots.txt",
    ]
    return urls + [f"/en{url}" for url in urls if url.startswith("/") and not url.startswith(("/sitemap", "/robots"))]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def cache_state(response):
    return response.get(page_cache.HEADER)


def publish(meeting):
    """Publish as a reviewer does, and commit (the cache is invalidated on commit)."""
    meeting.publish()


# --- The same bytes -------------------------------------------------------------------


def check_byte_identical(client, settings, meeting):
    for url in public_urls(meeting):
        with CaptureQueriesContext(connection) as queries:
            first = get(client, url)
        # Reading a public page writes nothing that would invalidate the cache at once.
        assert not [q["sql"] for q in queries.captured_queries if page_cache.is_public_write(q["sql"])], url
        second = get(client, url)
        assert (url, cache_state(first), cache_state(second)) == (url, "miss", "hit")
        settings.PAGE_CACHE = False
        uncached = get(client, url)
        settings.PAGE_CACHE = True
        assert cache_state(uncached) is None
        assert second.content == first.content == uncached.content, url
        for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy"):
            assert second.get(header) == uncached.get(header), (url, header)


def test_cached_and_uncached_pages_are_byte_identical(client, settings, cached, marib):
    check_byte_identical(client, settings, marib)


def test_cached_and_uncached_pages_are_byte_identical_on_redis(client, settings, redis_cached, marib):
    check_byte_identical(client, settings, marib)


def test_languages_and_query_strings_are_cached_apart(client, cached, marib):
    arabic = get(client, "/meetings/")
    english = get(client, "/en/meetings/")
    assert arabic.content != english.content
    assert cache_state(get(client, "/en/meetings/")) == "hit"
    assert cache_state(get(client, "/meetings/?governorate=marib")) == "miss"
    assert cache_state(get(client, "/meetings/?governorate=taiz")) == "miss"
    assert get(client, "/meetings/").content == arabic.content


def test_head_is_answered_from_the_cache(client, cached, marib):
    get(client, "/meetings/")
    assert cache_state(client.head("/meetings/")) == "hit"


# --- Addresses asked for once ---------------------------------------------------------


def test_a_page_is_stored_on_its_second_request_and_again_at_once_after_a_write(
    client, admitting, marib, django_capture_on_commit_callbacks
):
    url = marib.get_absolute_url()
    states = [cache_state(get(client, url)) for _ in range(3)]
    assert states == [None, "miss", "hit"]
    with django_capture_on_commit_callbacks(execute=True):
        marib.summary_ar = "ملخص بعد التصحيح"
        marib.save()
    # The address has been asked for before: its first request after the write stores it.
    first = get(client, url)
    assert (cache_state(first), cache_state(get(client, url))) == ("miss", "hit")
    assert "ملخص بعد التصحيح" in first.content.decode()


def test_addresses_asked_for_once_push_no_page_out_of_a_small_cache(client, settings, tmp_path, marib):
    """A crawler walking filters, or a made-up query string on every request: with a page
    stored on its first request, 20 such addresses push the meetings list out of a cache of
    five pages; with the default admission they store nothing, their counts included."""
    outcomes = {}
    for min_uses in (1, 2):
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex,
                   "OPTIONS": {"MAX_ENTRIES": 5}}
        _enable(settings, tmp_path / str(min_uses), backend, min_uses=min_uses)
        for _ in range(2):
            get(client, "/meetings/")
        flood = [get(client, f"/meetings/?governorate=marib&n={number}") for number in range(20)]
        assert all(marib.title_ar in response.content.decode() for response in flood)
        outcomes[min_uses] = cache_state(get(client, "/meetings/"))
    assert outcomes == {1: "miss", 2: "hit"}


def test_on_redis_an_address_asked_for_once_stores_only_its_count(client, redis_admitting, marib):
    redis, prefix = redis_admitting

    def keys(kind):
        return list(redis.scan_iter(f"{prefix}:*:sanad:{kind}:*"))

    for number in range(10):
        assert cache_state(get(client, f"/recommendations/?n={number}")) is None
    assert (len(keys("page")), len(keys("seen"))) == (0, 10)
    assert all(redis.ttl(key) > 0 for key in keys("seen"))
    assert cache_state(get(client, "/recommendations/?n=3")) == "miss"
    assert cache_state(get(client, "/recommendations/?n=3")) == "hit"
    assert len(keys("page")) == 1


def test_a_shared_link_with_tracking_parameters_gets_the_page_without_them(client, settings, cached, marib):
    """Facebook adds fbclid= to every click, campaigns utm_…=: the same page, the cached one."""
    url = marib.get_absolute_url()
    plain = get(client, url)
    shared = get(client, f"{url}?fbclid=IwAR0clickOfOneReader&utm_source=facebook&utm_medium=social")
    assert cache_state(shared) == "hit"
    assert shared.content == plain.content
    listed = "/meetings/?utm_campaign=ramadan&governorate=marib&gclid=ad1"
    settings.PAGE_CACHE = False
    uncached = get(client, listed)
    assert uncached.content == get(client, "/meetings/?governorate=marib").content
    page = uncached.content.decode()
    assert marib.title_ar in page
    for parameter in ("utm_campaign", "ramadan", "gclid", "ad1"):
        assert parameter not in page, parameter


def test_the_compressed_and_the_plain_page_are_cached_apart(client, settings, cached, marib):
    url = marib.get_absolute_url()
    gzipped = {"HTTP_ACCEPT_ENCODING": "gzip"}
    first = client.get(url, **gzipped)
    second = client.get(url, **gzipped)
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert second["Content-Encoding"] == "gzip" and second.content == first.content
    plain = get(client, url)
    assert cache_state(plain) == "miss" and "Content-Encoding" not in plain
    assert gzip.decompress(second.content) == plain.content
    settings.PAGE_CACHE = False
    assert gzip.decompress(client.get(url, **gzipped).content) == plain.content


# --- Every change visible on the next request ----------------------------------------


def test_publishing_and_unpublishing_show_on_the_next_request(client, cached, db, django_capture_on_commit_callbacks):
    meeting = factories.full_meeting("لقاء لم ينشر بعد في عدن", published=False)
    assert "لقاء لم ينشر بعد في عدن" not in get(client, "/meetings/").content.decode()
    assert cache_state(get(client, "/meetings/")) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish(meeting)
    assert "لقاء لم ينشر بعد في عدن" in get(client, "/meetings/").content.decode()
    assert cache_state(get(client, meeting.get_absolute_url())) == "miss"
    assert cache_state(get(client, meeting.get_absolute_url())) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        meeting.unpublish()
    assert "لقاء لم ينشر بعد في عدن" not in get(client, "/meetings/").content.decode()
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_an_edit_of_a_published_meeting_shows_on_the_next_request(client, cached, marib, django_capture_on_commit_callbacks):
    url = marib.get_absolute_url()
    get(client, url)
    assert cache_state(get(client, url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        marib.summary_ar = "ملخص جديد بعد التصحيح"
        marib.save()
    assert "ملخص جديد بعد التصحيح" in get(client, url).content.decode()


def test_a_follow_up_shows_on_the_next_request(client, cached, marib, django_capture_on_commit_callbacks):
    recommendation = marib.recommendations.first()
    url = reverse("meetings:recommendation_detail", args=[recommendation.pk])
    get(client, url)
    assert cache_state(get(client, url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        recommendation.set_status(Recommendation.Status.IMPLEMENTED, progress=100, note="نفذت التوصية كاملة.", on=marib.date)
    assert "نفذت التوصية كاملة." in get(client, url).content.decode()


def test_a_bulk_update_without_signals_also_invalidates(client, cached, marib, django_capture_on_commit_callbacks):
    get(client, "/meetings/")
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=marib.pk).update(title_ar="عنوان عدل بتحديث جماعي")
    assert "عنوان عدل بتحديث جماعي" in get(client, "/meetings/").content.decode()


def test_a_person_made_protected_is_gone_on_the_next_request(client, cached, db, django_capture_on_commit_callbacks):
    meeting = factories.meeting(published=False)
    speaker = factories.person("الأستاذة سلوى الشامي", public=True)
    factories.participation(meeting, speaker, statement_ar="نطالب بالشفافية.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(meeting)
    url = meeting.get_absolute_url()
    assert "الأستاذة سلوى الشامي" in get(client, url).content.decode()
    assert cache_state(get(client, url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        speaker.visibility = Person.Visibility.PROTECTED
        speaker.save()
    for page in (url, "/search/?q=سلوى", "/en" + url):
        assert "سلوى الشامي" not in get(client, page).content.decode(), page


def test_a_write_that_is_rolled_back_does_not_invalidate(cached, marib):
    """The generation moves on commit only: inside the test's transaction nothing commits."""
    before = page_cache.current_generation()
    marib.summary_ar = "لن يحفظ"
    marib.save()
    assert page_cache.current_generation() == before


@pytest.mark.django_db(transaction=True)
def test_a_publish_in_the_workspace_is_visible_to_the_next_reader(settings, tmp_path, fast_passwords):  # noqa: F811
    """With real commits (no test transaction): the reviewer's publish, through the views."""
    _enable(settings, tmp_path, {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex})
    factories.ensure_reference_data()
    world = make_world()
    meeting = world.meeting(title_ar="لقاء ينشره المراجع الآن", status=Meeting.Status.REVIEW)
    reader, reviewer = PortalClient(), PortalClient()
    assert "لقاء ينشره المراجع الآن" not in get(reader, "/meetings/").content.decode()
    assert cache_state(get(reader, "/meetings/")) == "hit"
    assert reviewer.login(username="reviewer", password=PASSWORD)
    response = reviewer.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
    assert "لقاء ينشره المراجع الآن" in get(reader, "/meetings/").content.decode()


def test_a_change_is_visible_on_redis_too(client, redis_cached, marib, django_capture_on_commit_callbacks):
    url = marib.get_absolute_url()
    get(client, url)
    assert cache_state(get(client, url)) == "hit"
    generation = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        marib.summary_ar = "ملخص عدل والصفحة في ريديس"
        marib.save()
    assert page_cache.current_generation() != generation
    assert "ملخص عدل والصفحة في ريديس" in get(client, url).content.decode()


# --- Who and what is never cached -----------------------------------------------------


def test_staff_never_see_a_cached_public_page(client, cached, marib, fast_passwords):  # noqa: F811
    world = make_world()
    url = marib.get_absolute_url()
    get(client, url)
    assert cache_state(get(client, url)) == "hit"
    # A change that has not invalidated the cache (the test's transaction never commits):
    # anonymous readers still get the stored page, signed-in staff get the truth.
    Meeting.objects.filter(pk=marib.pk).update(summary_ar="ملخص لم يصل إلى الذاكرة بعد")
    assert "ملخص لم يصل إلى الذاكرة بعد" not in get(client, url).content.decode()
    staff = PortalClient()
    staff.force_login(world.editor)
    response = get(staff, url)
    assert cache_state(response) is None
    assert "ملخص لم يصل إلى الذاكرة بعد" in response.content.decode()
    # And what they are shown is not stored for others.
    assert "ملخص لم يصل إلى الذاكرة بعد" not in get(client, url).content.decode()


def test_a_request_with_a_session_cookie_bypasses_the_cache(client, cached, marib):
    get(client, "/meetings/")
    client.cookies["sessionid"] = "not-a-real-session"
    assert cache_state(get(client, "/meetings/")) is None


def test_workspace_admin_and_sign_in_pages_are_never_cached(client, cached, db):
    for url in ("/accounts/login/", "/en/accounts/login/", "/staff/", "/admin/login/", "/en/admin/login/"):
        for _ in range(2):
            response = client.get(url)
            assert cache_state(response) is None, url
    # The sign-in page sets a CSRF cookie: stored, it would hand one visitor's token to the next.
    assert "csrftoken" in client.get("/accounts/login/").cookies


def test_a_response_that_sets_a_cookie_or_varies_on_it_is_not_stored():
    from django.http import HttpRequest, HttpResponse

    middleware = page_cache.PageCacheMiddleware(lambda request: HttpResponse("x"))
    request = HttpRequest()
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("csrftoken", "secret")
    varying = HttpResponse("x", headers={"Vary": "Accept-Language, Cookie"})
    private = HttpResponse("x", headers={"Cache-Control": "private"})
    assert not middleware.storable(request, with_cookie)
    assert not middleware.storable(request, varying)
    assert not middleware.storable(request, private)
    assert not middleware.storable(request, HttpResponse("x", status=404))
    assert middleware.storable(request, HttpResponse("x", headers={"Vary": "Accept-Language"}))


def test_the_page_cache_is_off_under_the_test_suite_unless_asked_for(client, db, settings):
    assert settings.PAGE_CACHE is False
    factories.full_meeting()
    for _ in range(2):
        assert cache_state(get(client, "/meetings/")) is None


def test_an_unreachable_redis_serves_pages_uncached_and_saves_still_succeed(client, settings, tmp_path, marib):
    _enable(
        settings,
        tmp_path,
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    )
    response = get(client, "/meetings/")
    assert cache_state(response) is None
    assert marib.title_ar in response.content.decode()
    page_cache.public_pages_changed()  # outside a transaction's commit: must not raise either


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "meetings_meeting" ("title") VALUES (%s)', True),
        ('INSERT OR IGNORE INTO "meetings_searchterm" ("term") VALUES (%s)', True),
        ('UPDATE "meetings_organization" SET "is_published" = true WHERE "id" IN (1)', True),
        ('DELETE FROM "meetings_participation" WHERE "id" = 3', True),
        ('WITH moved AS (SELECT 1) UPDATE "meetings_recommendation" SET "order" = 2', True),
        ('SELECT "meetings_meeting"."id" FROM "meetings_meeting" FOR UPDATE', False),
        ('WITH ranked AS (SELECT 1 FROM "meetings_meeting") SELECT * FROM ranked', False),
        ('UPDATE "django_session" SET "expire_date" = now()', False),
        ('INSERT INTO "auth_user" ("username") VALUES (%s)', False),
    ],
)
def test_writes_to_the_meetings_tables_are_recognised(sql, writes):
    assert page_cache.is_public_write(sql) is writes
