"""The whole-dataset download: ``manage.py build_dataset`` writes a zip of CSV and JSON per kind
with a README, served at /open-data/sanad-dataset.zip and announced at /open-data/."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.exports.dataset import DATASET_KINDS, dataset_path
from meetings import services
from meetings.models import Recommendation, RecommendationUpdate
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

PROTECTED = "مدافعة محمية لا تسمى"
PUBLIC = "مسؤول عام يسمى"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://sanad.example.org"


@pytest.fixture
def world():
    published = factories.full_meeting("اجتماع منشور في الملف", date=datetime.date(2022, 11, 26))
    factories.participation(published, person_obj=factories.person(PROTECTED))
    factories.participation(published, person_obj=factories.person(PUBLIC, public=True))
    draft = factories.full_meeting("مسودة خارج الملف", published=False)
    recommendation = published.recommendations.get()
    # Approved follow-up discussed at a draft: the update is public, the draft is not named.
    recommendation.set_status(Recommendation.Status.ACCEPTED, on=datetime.date(2023, 1, 1), meeting=draft, note="قبول معتمد")
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="متابعة بانتظار المراجعة", pending=True)
    pending = factories.organization("جمعية بانتظار التأكيد", is_pending=True)
    factories.involvement(draft, pending)
    return published, draft


def build():
    out = io.StringIO()
    call_command("build_dataset", stdout=out)
    return out.getvalue(), zipfile.ZipFile(dataset_path())


def read_csv(archive, name):
    data = archive.read(f"{name}.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_command_writes_csv_and_json_of_every_kind_and_a_readme(world):
    output, archive = build()
    assert sorted(archive.namelist()) == sorted(
        ["README.md", *(f"{kind}.{suffix}" for kind in DATASET_KINDS for suffix in ("csv", "json"))]
    )
    assert "meetings: 1" in output
    for kind in DATASET_KINDS:
        rows = read_csv(archive, kind)
        data = json.loads(archive.read(f"{kind}.json"))
        assert data["meta"]["count"] == len(data["rows"]) == len(rows), kind
    meetings = read_csv(archive, "meetings")
    assert meetings[0]["title_ar"] == "اجتماع منشور في الملف"
    assert meetings[0]["date"] == "2022-11-26"
    assert meetings[0]["date_hijri_ar"] == "2 جمادى الأولى 1444\u00a0هـ"
    assert meetings[0]["kind"] == "consultative"
    assert meetings[0]["url_en"] == f"https://sanad.example.org/en/meetings/{world[0].pk}/"
    readme = archive.read("README.md").decode()
    for column in ("title_ar", "title_en", "date_hijri_ar", "addressees_en", "meeting_id"):
        assert f"`{column}`" in readme
    assert "التاريخ الهجري" in readme and "Hijri date" in readme
    assert "`consultative`: لقاء تشاوري / Consultative meeting" in readme


def test_the_dataset_holds_only_what_the_pages_show(world):
    _output, archive = build()
    text = "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    for secret in (PROTECTED, "مسودة خارج الملف", "متابعة بانتظار المراجعة", "جمعية بانتظار التأكيد"):
        assert secret not in text, secret
    assert [row["name_ar"] for row in read_csv(archive, "people")] == sorted(
        [PUBLIC, *(p.person.name_ar for p in world[0].participations.filter(person__visibility="public")
                   if p.person.name_ar != PUBLIC)]
    )
    follow_up = read_csv(archive, "follow_up")
    notes = {row["note_ar"]: row for row in follow_up}
    assert "قبول معتمد" in notes
    assert notes["قبول معتمد"]["meeting_id"] == "", "the draft where it was discussed is not named"
    recommendations = read_csv(archive, "recommendations")
    assert recommendations[0]["status"] == "accepted", "the pending update moves nothing"


def test_the_open_data_page_says_when_the_dataset_was_built_and_serves_it(world):
    client = PortalClient()
    page = client.get(reverse("meetings:open_data")).content.decode()
    assert "لم تُنشأ مجموعة البيانات بعد." in page
    assert client.get(reverse("meetings:dataset_download")).status_code == 404
    build()
    page = client.get(reverse("meetings:open_data")).content.decode()
    assert reverse("meetings:dataset_download") in page
    assert "أُنشئ في" in page
    assert "no-cache" in client.get(reverse("meetings:open_data"))["Cache-Control"], "a rebuild shows at once"
    response = client.get(reverse("meetings:dataset_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.streaming
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    footer = client.get(reverse("meetings:home")).content.decode()
    assert f'href="{reverse("meetings:open_data")}"' in footer


def test_a_rebuild_replaces_the_file_whole(world):
    build()
    world[0].unpublish()
    _output, archive = build()
    assert read_csv(archive, "meetings") == []
    assert not list(dataset_path().parent.glob("*.part"))


def _served(client):
    return client.get(reverse("meetings:dataset_download")).status_code == 200


def _withdrawn(client):
    page = client.get(reverse("meetings:open_data")).content.decode()
    assert "يُعاد إنشاء مجموعة البيانات" in page
    assert reverse("meetings:dataset_download") not in page
    return not _served(client)


@pytest.mark.parametrize("withdrawal", ["unpublish", "delete", "protect", "a note naming someone protected"])
def test_the_zip_is_not_served_once_a_record_it_holds_is_withdrawn(world, withdrawal):
    published, _draft = world
    client = PortalClient()
    build()
    assert _served(client)
    # An edit of a published text, or a draft's new protected person, does not withdraw it.
    published.title_ar = "اجتماع منشور بعنوان معدَّل"
    published.save()
    factories.person("شخص جديد محمي")
    assert _served(client)

    named = published.participations.get(person__name_ar=PUBLIC).person
    if withdrawal == "unpublish":
        published.unpublish()
    elif withdrawal == "delete":
        published.delete()
    elif withdrawal == "protect":
        named.visibility = named.Visibility.PROTECTED
        named.save()
    else:  # a public person named only in an approved note, not among the zip's people
        from meetings.protection import withhold_texts_naming

        someone = factories.person("ناشطة تذكرها المتابعة", public=True)
        RecommendationUpdate.objects.filter(note_ar="قبول معتمد").update(note_ar="قبول معتمد أبلغتنا به ناشطة تذكرها المتابعة")
        # A pending update returned as usual does not withdraw the zip.
        pending = RecommendationUpdate.objects.get(review_state=RecommendationUpdate.Review.PENDING)
        services.recommendation_update_return(update=pending, by=factories.user(is_superuser=True), comment="أعد الصياغة")
        assert _served(client)
        someone.visibility = someone.Visibility.PROTECTED
        someone.save()
        assert _served(client), "the person is not among the zip's people"
        assert len(withhold_texts_naming([someone]).updates) == 1
    assert _withdrawn(client)

    out = io.StringIO()
    call_command("build_dataset", "--if-withdrawn", stdout=out)
    assert "rows" in out.getvalue()
    assert _served(client)
    archive = zipfile.ZipFile(dataset_path())
    if withdrawal == "a note naming someone protected":
        assert "ناشطة تذكرها" not in archive.read("follow_up.csv").decode("utf-8-sig")
    else:
        assert PUBLIC not in archive.read("people.csv").decode("utf-8-sig")

    out = io.StringIO()
    call_command("build_dataset", "--if-withdrawn", stdout=out)
    assert "not rebuilt" in out.getvalue()


def test_a_zip_built_before_its_people_were_kept_waits_for_a_rebuild(world):
    client = PortalClient()
    build()
    info_path = dataset_path().with_suffix(".json")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    del info["people"]
    info_path.write_text(json.dumps(info), encoding="utf-8")
    assert _withdrawn(client)
