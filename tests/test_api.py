"""The read-only API (/api/v1/, api/): what it answers, in both languages, paged by cursor,
filtered like the pages, with ETags, CORS headers, its error bodies and its rate limit."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.models import Meeting, Recommendation
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published():
    meeting = factories.full_meeting("لقاء تشاوري في مأرب", date=datetime.date(2022, 11, 26), title_en="Marib consultation")
    return meeting


def get(client, path, **params):
    response = client.get(path, params, HTTP_ACCEPT="application/json")
    return response


def test_the_root_lists_every_endpoint(client):
    body = get(client, "/api/v1/").json()
    for name in ("meetings", "recommendations", "organizations", "projects", "governorates", "themes", "tags",
                 "people", "schema", "docs", "ocd-event-list", "popolo-person-list"):
        assert name in body, name


def test_a_meeting_in_both_languages(client, published):
    body = get(client, "/api/v1/meetings/").json()
    [row] = body["results"]
    assert row["id"] == published.pk
    assert row["title"] == {"ar": "لقاء تشاوري في مأرب", "en": "Marib consultation"}
    assert row["city"] == {"ar": "مدينة مأرب", "en": None}
    assert row["kind_label"]["ar"] and row["kind_label"]["en"] == "Consultative meeting"
    assert row["html_url"]["en"].endswith(f"/en/meetings/{published.pk}/")
    assert row["url"].endswith(f"/api/v1/meetings/{published.pk}/")
    assert body["next"] is None and body["previous"] is None


def test_a_meeting_detail_names_only_public_people(client, published):
    body = get(client, f"/api/v1/meetings/{published.pk}/").json()
    public = published.participations.get(person__visibility="public").person
    protected = published.participations.get(person__visibility="protected")
    named = [p["person"]["name"]["ar"] for p in body["participants"] if p["person"]]
    assert named == [public.name_ar]
    anonymous = [p for p in body["participants"] if not p["person"]]
    assert anonymous[0]["post"]["title"]["ar"] == protected.position.title_ar
    assert protected.person.name_ar not in str(body)
    assert len(body["recommendations"]) == 1 and body["recommendation_count"] == 1


def test_a_recommendation_shows_only_approved_follow_up(client, published):
    recommendation = published.recommendations.get()
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="تحديث بانتظار المراجعة", pending=True)
    body = get(client, f"/api/v1/recommendations/{recommendation.pk}/").json()
    assert [entry["status"] for entry in body["timeline"]] == ["in_progress"]
    assert "تحديث بانتظار المراجعة" not in str(body)
    assert body["status"] == "in_progress" and body["progress"] == 40


def test_cursor_pages_walk_every_meeting_once_in_the_pages_order(client):
    for day in range(1, 8):
        factories.meeting(f"اجتماع {day}", published=True, date=datetime.date(2023, 1, day % 3 + 1))
    seen, url = [], "/api/v1/meetings/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(Meeting.objects.published().order_by("-date", "-pk").values_list("pk", flat=True))
    assert seen == expected
    back = client.get(client.get("/api/v1/meetings/?page_size=3").json()["next"]).json()["previous"]
    assert [row["id"] for row in client.get(back).json()["results"]] == expected[:3]


@pytest.mark.parametrize("query", ["after=garbage", "page_size=0", "page_size=1000", "after=1&before=2",
                                   "governorate=no-such-place", "date_from=not-a-date", "kind=banquet"])
def test_bad_parameters_get_a_400_in_both_languages(client, published, query):
    response = client.get(f"/api/v1/meetings/?{query}")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["ar"] and detail["en"] and detail["ar"] != detail["en"]


def test_filters_are_the_list_pages_filters(client, published):
    other = factories.meeting("اجتماع في عدن", published=True, governorate=factories.governorate("aden"))
    in_aden = get(client, "/api/v1/meetings/", governorate="aden").json()["results"]
    assert [row["id"] for row in in_aden] == [other.pk]
    organiser = published.involvements.get(role="organiser").organization
    by_name = get(client, "/api/v1/meetings/", organization=organiser.name_ar).json()["results"]
    assert [row["id"] for row in by_name] == [published.pk]
    recommendations = get(client, "/api/v1/recommendations/", status="implemented").json()["results"]
    assert recommendations == []


def test_an_etag_answers_a_repeated_request_with_304(client, published):
    first = client.get("/api/v1/meetings/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/api/v1/meetings/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    published.title_ar = "عنوان مصحح"
    published.save()
    assert client.get("/api/v1/meetings/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_responses_are_readable_from_any_web_page_and_read_only(client, published):
    response = client.get("/api/v1/meetings/")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
    refused = client.post("/api/v1/meetings/", {}, content_type="application/json")
    assert refused.status_code == 405
    assert refused.json()["detail"]["en"].startswith("This API is read-only")
    assert Meeting.objects.count() == 1


def test_anonymous_clients_are_rate_limited_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = "3/minute"
    statuses = [client.get("/api/v1/governorates/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/governorates/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["retry_after"] == int(response["Retry-After"])
    assert "Too many requests" in body["detail"]["en"] and body["detail"]["ar"] != body["detail"]["en"]
    # Another client address has its own allowance.
    assert client.get("/api/v1/governorates/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_every_list_and_detail_answers(client, published):
    for path in ("organizations", "projects", "governorates", "themes", "tags", "people", "popolo/persons",
                 "popolo/organizations", "popolo/posts", "popolo/memberships", "ocd/events"):
        body = get(client, f"/api/v1/{path}/").json()
        assert body["results"], path
        first = body["results"][0]
        detail_id = first["id"] if isinstance(first["id"], int) else None
        if detail_id is not None:
            assert get(client, f"/api/v1/{path}/{detail_id}/").status_code == 200, path


def test_the_schema_and_its_documentation_are_served_from_the_portal(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert "/api/v1/meetings/" in schema.json()["paths"]
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<style" not in html and "<script>" not in html and "//cdn" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999", "0", "-1"])
def test_an_impossible_id_is_a_404_in_json_never_a_500(client, published, pk):
    response = client.get(f"/api/v1/meetings/{pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]["en"].startswith("Not found")


def test_head_and_options_answer_like_get(client, published):
    head = client.head("/api/v1/meetings/")
    assert head.status_code == 200 and head.content == b"" and head["ETag"]
    options = client.options("/api/v1/meetings/")
    assert options.status_code == 200 and options["Access-Control-Allow-Origin"] == "*"
