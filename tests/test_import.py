"""Bulk import (imports/): templates, preview, matching, all-or-nothing, idempotency, drafts only, roles."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse

from imports.columns import KINDS
from imports.models import ImportedRecord, ImportUpload
from imports.planning import plan_import
from imports.reading import read_files
from imports.template_files import workbook_template
from imports.writing import records_import
from meetings.models import (
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Recommendation,
    RecommendationUpdate,
)
from tests import factories
from tests.staff_helpers import arabic, fast_passwords, world  # noqa: F401

MEETING_HEADERS = ["مرجع الاجتماع", "العنوان", "التاريخ", "المحافظة"]
REC_HEADERS = ["مرجع الاجتماع", "رقم التوصية", "النص", "الجهات المعنية"]


def csv_file(name, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv")


def meetings_csv(count=1, *, prefix="M"):
    rows = [MEETING_HEADERS] + [[f"{prefix}-{n}", f"لقاء تشاوري رقم {n}", "2022-11-26", "مأرب"] for n in range(count)]
    return csv_file("meetings.csv", rows)


def recommendations_csv(rows):
    return csv_file("recommendations.csv", [REC_HEADERS, *rows])


def upload(client, world, *files, organization=None):
    url = reverse("staff:import_start", args=[(organization or world.org).slug])
    return client.post(url, {"files": list(files)})


def preview_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def confirm(client, preview_url):
    key = preview_url.rstrip("/").rsplit("/", 1)[-1]
    return client.post(reverse("staff:import_confirm", args=[key]))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Meeting, MeetingOrganization, Organization, Participation, Person, Position, Recommendation, RecommendationUpdate)
    }


# --- Templates ---------------------------------------------------------------------------


def test_the_workbook_template_downloads_with_arabic_headers_and_the_marib_example(client, world):
    from openpyxl import load_workbook

    client.force_login(world.editor)
    response = client.get(reverse("staff:import_template", args=["sanad-import.xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sanad-import.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert [kind.ar for kind in KINDS] == workbook.sheetnames[1:]
    meetings = workbook["الاجتماعات"]
    assert meetings.sheet_view.rightToLeft
    assert [cell.value for cell in meetings[1]][:3] == ["مرجع الاجتماع", "العنوان", "العنوان بالإنجليزية"]
    assert "مأرب" in meetings[2][1].value


def test_each_csv_template_downloads_with_a_byte_order_mark(client, world):
    client.force_login(world.editor)
    response = client.get(reverse("staff:import_template", args=["recommendations.csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffمرجع الاجتماع,رقم التوصية,النص")
    assert client.get(reverse("staff:import_template", args=["secrets.csv"])).status_code == 404


def test_the_template_itself_previews_and_imports_as_drafts(client, world):
    client.force_login(world.editor)
    before = counts()
    location = preview_of(upload(client, world, SimpleUploadedFile("sanad-import.xlsx", workbook_template())))
    page = client.get(location)
    assert page.status_code == 200
    assert arabic("New draft meeting, for review.", html=True) in page.content.decode()
    assert counts() == before, "the preview wrote nothing"

    result = client.get(confirm(client, location)["Location"])
    assert result.status_code == 200
    meeting = Meeting.objects.get(title_ar__startswith="اللقاء التشاوري الموسع")
    assert meeting.status == Meeting.Status.DRAFT
    assert reverse("staff:meeting_detail", args=[meeting.pk]) in result.content.decode()
    assert meeting.recommendations.get().addressees.count() == 2
    assert RecommendationUpdate.objects.get().review_state == RecommendationUpdate.Review.PENDING
    assert set(meeting.involvements.values_list("organization__name_ar", "role")) >= {(world.org.name_ar, "organiser")}
    assert Meeting.objects.published().count() == 0
    assert not Organization.objects.published().filter(name_ar__contains="صدى").exists()
    assert Organization.objects.get(name_ar__contains="صدى").is_pending


# --- Preview ------------------------------------------------------------------------------


def test_the_preview_lists_each_error_in_arabic_with_its_row_and_column(client, world):
    client.force_login(world.editor)
    rows = [MEETING_HEADERS, ["A", "لقاء", "26 نوفمبر", "مأرب"], ["B", "", "2022-11-26", "أطلانتس"]]
    location = preview_of(upload(client, world, csv_file("meetings.csv", rows)))
    html = client.get(location).content.decode()
    assert arabic("Write the date as YYYY-MM-DD (for example 2022-11-26).", html=True) in html
    assert arabic("Required.", html=True) in html
    assert arabic("No governorate has this name.", html=True) in html
    assert 'id="row-meetings-2"' in html and 'id="row-meetings-3"' in html
    assert 'id="import-confirm"' not in html
    assert Meeting.objects.count() == 0


def test_existing_organisations_and_people_are_matched_by_normalised_name(world):
    person = factories.person("عبد ربه جديع", public=True)
    rows = {
        "meetings": [MEETING_HEADERS, ["M-1", "لقاء", "2022-11-26", "مأرب"]],
        "organizations": [["مرجع الاجتماع", "الجهة", "الدور"], ["M-1", "منظمه مساءله لحقوق الانسان", "شريك"]],
        "participants": [["مرجع الاجتماع", "الاسم", "الجهة"], ["M-1", "عبد ربة جديع", "منظمة جديدة تماما"]],
    }
    files = [(f"{name}.csv", "\n".join(",".join(row) for row in body).encode()) for name, body in rows.items()]
    sheets, _digest = read_files(files)
    plan = plan_import(sheets=sheets, organization=world.org, user=world.editor)
    assert not plan.has_errors
    assert list(plan.matched_organizations) == [world.org.pk]
    assert list(plan.matched_people) == [person.pk]
    assert [o.name_ar for o in plan.organizations.new.values()] == ["منظمة جديدة تماما"]
    records_import(plan=plan)
    assert Organization.objects.filter(name_ar__startswith="منظمة مساءلة").count() == 1
    assert Person.objects.count() == 1
    assert Participation.objects.get().person == person


# --- All or nothing, idempotency ------------------------------------------------------------


def test_one_bad_row_saves_nothing(client, world):
    client.force_login(world.editor)
    before = counts()
    recommendations = recommendations_csv([["M-0", "1", "توصية أولى", ""], ["M-0", "1", "رقم مكرر", ""]])
    location = preview_of(upload(client, world, meetings_csv(3), recommendations))
    response = confirm(client, location)
    assert response.status_code == 200
    assert arabic("Another recommendation of this meeting has this number.", html=True) in response.content.decode()
    assert counts() == before


def test_a_failure_while_writing_rolls_back_everything(world):
    """The last write (the import keys) fails for real: the meetings written before it are gone too."""
    sheets, _digest = read_files([("meetings.csv", "\n".join(",".join(r) for r in [MEETING_HEADERS, ["M-1", "لقاء", "2022-11-26", ""]]).encode())])
    plan = plan_import(sheets=sheets, organization=world.org, user=world.editor)
    before = counts()
    key = plan.meetings[0][0]
    # Someone else imported the same row meanwhile: the unique key refuses the second.
    # (A real content type: after a transactional test's flush, ids no longer start at 1.)
    meeting_type = ContentType.objects.get_for_model(Meeting)
    ImportedRecord.objects.create(organization=world.org, key=key, content_type=meeting_type, object_id=1)
    with pytest.raises(IntegrityError):
        records_import(plan=plan)
    assert counts() == before


def test_importing_the_same_file_twice_creates_nothing_new(client, world):
    client.force_login(world.editor)
    follow_up = csv_file(
        "follow_up.csv",
        [["مرجع الاجتماع", "رقم التوصية", "التاريخ", "الحالة", "نسبة الإنجاز"], ["M-0", "1", "2023-01-01", "قيد التنفيذ", "30"]],
    )

    def files():
        recs = recommendations_csv([["M-0", "1", "توصية", "منظمة جديدة"], ["M-1", "1", "توصية", "منظمة جديدة"]])
        return [meetings_csv(2), recs, follow_up_copy()]

    def follow_up_copy():
        follow_up.seek(0)
        return SimpleUploadedFile("follow_up.csv", follow_up.read())

    confirm(client, preview_of(upload(client, world, *files())))
    after_first = counts()
    assert after_first["Meeting"] == 2 and after_first["RecommendationUpdate"] == 1
    location = preview_of(upload(client, world, *files()))
    assert arabic("Imported before: skipped, with its organisations, participants and recommendations.", html=True) in client.get(location).content.decode()
    assert confirm(client, location).status_code == 302
    assert counts() == after_first


# --- What an import may create -------------------------------------------------------------


def test_people_are_protected_unless_marked_public_and_a_protected_flag_is_respected(world):
    public = factories.person("علي محمد", public=True)
    body = [["مرجع الاجتماع", "الاسم", "الظهور"], ["M-1", "علي محمد", "محمي"], ["M-1", "سعاد أحمد", ""], ["M-1", "خالد سالم", "علني"]]
    sheets, _ = read_files([
        ("meetings.csv", "\n".join(",".join(r) for r in [MEETING_HEADERS, ["M-1", "لقاء", "2022-11-26", ""]]).encode()),
        ("participants.csv", "\n".join(",".join(r) for r in body).encode()),
    ])
    before = public.updated_at
    records_import(plan=plan_import(sheets=sheets, organization=world.org, user=world.editor))
    public.refresh_from_db()
    assert public.visibility == Person.Visibility.PROTECTED
    assert public.updated_at > before  # what the open-data zip's check reads (meetings/exports/dataset.py)
    assert Person.objects.get(name_ar="سعاد أحمد").visibility == Person.Visibility.PROTECTED
    assert Person.objects.get(name_ar="خالد سالم").visibility == Person.Visibility.PUBLIC
    assert not Person.objects.published().exists()


# --- Who may import --------------------------------------------------------------------------


def test_an_editor_of_another_organisation_cannot_import_into_ours(client, world):
    client.force_login(world.other_editor)
    assert client.get(reverse("staff:import_start", args=[world.org.slug])).status_code == 404
    assert upload(client, world, meetings_csv(1)).status_code == 404
    assert not ImportUpload.objects.exists()


def test_another_users_upload_cannot_be_previewed_or_confirmed(client, world):
    client.force_login(world.editor)
    location = preview_of(upload(client, world, meetings_csv(1)))
    key = location.rstrip("/").rsplit("/", 1)[-1]
    for someone in (world.reviewer, world.administrator, world.other_editor):
        client.force_login(someone)
        assert client.get(location).status_code == 404
        assert client.post(reverse("staff:import_confirm", args=[key])).status_code == 404
    assert Meeting.objects.count() == 0


# --- Bounded queries ---------------------------------------------------------------------------


def _plan_and_write(world, meetings, recommendations_per_meeting):
    rows = [MEETING_HEADERS] + [[f"Q-{n}", f"لقاء {n}", "2022-11-26", "مأرب"] for n in range(meetings)]
    recs = [REC_HEADERS] + [
        [f"Q-{n}", str(r), f"توصية {r}", f"جهة {r}؛ {world.org.name_ar}"] for n in range(meetings) for r in range(1, recommendations_per_meeting + 1)
    ]
    sheets, _ = read_files([
        ("meetings.csv", "\n".join(",".join(r) for r in rows).encode()),
        ("recommendations.csv", "\n".join(",".join(r) for r in recs).encode()),
    ])
    plan = plan_import(sheets=sheets, organization=world.org, user=world.editor)
    records_import(plan=plan)


def test_the_number_of_queries_does_not_grow_with_the_rows(world, django_assert_max_num_queries):
    """4 recommendations or 150: the same statements, except that large inserts go in batches
    (SQLite takes a few hundred values per INSERT) — a handful more, never one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _plan_and_write(world, 2, 2)
    with django_assert_max_num_queries(len(small.captured_queries) + 12):
        _plan_and_write_other(world)


def _plan_and_write_other(world):
    rows = [MEETING_HEADERS] + [[f"R-{n}", f"اجتماع {n}", "2022-11-27", "مأرب"] for n in range(30)]
    recs = [REC_HEADERS] + [[f"R-{n}", str(r), f"نص {r}", f"جهة أخرى {r}"] for n in range(30) for r in range(1, 6)]
    sheets, _ = read_files([
        ("meetings.csv", "\n".join(",".join(r) for r in rows).encode()),
        ("recommendations.csv", "\n".join(",".join(r) for r in recs).encode()),
    ])
    records_import(plan=plan_import(sheets=sheets, organization=world.org, user=world.editor))


# --- The command -------------------------------------------------------------------------------


def test_the_command_previews_with_dry_run_then_imports(world, tmp_path):
    path = tmp_path / "sanad-import.xlsx"
    path.write_bytes(workbook_template())
    out = io.StringIO()
    call_command("import_records", str(path), organization=world.org.slug, user="editor", dry_run=True, no_progress=True, stdout=out)
    assert arabic("New draft meeting, for review.") in out.getvalue()
    assert Meeting.objects.count() == 0
    err = io.StringIO()
    call_command("import_records", str(path), organization=world.org.slug, user="editor", stdout=io.StringIO(), stderr=err)
    assert Meeting.objects.get().status == Meeting.Status.DRAFT
    assert "[" + "#" * 30 + "] 100.0%" in err.getvalue(), "a progress bar"
    with pytest.raises(CommandError):
        call_command("import_records", str(path), organization=world.org.slug, user="other_editor", no_progress=True)


# --- More of what a file may hold ----------------------------------------------------------------


def test_english_headers_are_accepted(world):
    content = "meeting_ref,title,date,kind\nE-1,Consultation in Marib,2022-11-26,Workshop\n".encode()
    sheets, _ = read_files([("anything.csv", content)])
    plan = plan_import(sheets=sheets, organization=world.org, user=world.editor)
    assert not plan.has_errors
    records_import(plan=plan)
    assert Meeting.objects.get().kind == Meeting.Kind.WORKSHOP


def test_follow_up_of_a_recommendation_imported_earlier_waits_for_review(world):
    first = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nF-1,لقاء,2022-11-26\n".encode()),
             ("recommendations.csv", "مرجع الاجتماع,رقم التوصية,النص\nF-1,1,توصية\n".encode())]
    records_import(plan=plan_import(sheets=read_files(first)[0], organization=world.org, user=world.editor))
    later = [("follow_up.csv", "مرجع الاجتماع,رقم التوصية,التاريخ,الحالة\nF-1,1,2023-05-01,منفذة\n".encode())]
    plan = plan_import(sheets=read_files(later)[0], organization=world.org, user=world.editor)
    assert not plan.has_errors, plan.errors()
    records_import(plan=plan)
    update = RecommendationUpdate.objects.get()
    assert (update.status, update.progress, update.review_state) == ("implemented", 100, "pending")
    assert Recommendation.objects.get().status == "proposed", "nothing changes before a reviewer approves"


def test_a_new_organisation_close_to_an_existing_one_is_flagged(world):
    """Among the organisations the user may choose (here: a partner of one of our meetings)."""
    factories.involvement(world.meeting(), factories.organization("جمعية الأمل للتنمية"), role="partner")
    body = "مرجع الاجتماع,الجهة,الدور\nC-1,جمعية الامل التنموية,شريك\n"
    files = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nC-1,لقاء,2022-11-26\n".encode()), ("organizations.csv", body.encode())]
    plan = plan_import(sheets=read_files(files)[0], organization=world.org, user=world.editor)
    row = plan.sheets[1].rows[0]
    assert "جمعية الأمل للتنمية" in str(row.actions[0])


def test_an_imported_meeting_opens_in_the_meeting_form(client, world):
    files = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nG-1,لقاء,2022-11-26\n".encode()),
             ("participants.csv", "مرجع الاجتماع,الاسم,المنصب,الجهة\nG-1,عبدربه حليس,مدير عام المعلومات,ديوان المحافظة\n".encode())]
    records_import(plan=plan_import(sheets=read_files(files)[0], organization=world.org, user=world.editor))
    meeting = Meeting.objects.get()
    client.force_login(world.editor)
    assert client.get(reverse("staff:meeting_edit", args=[meeting.pk])).status_code == 200
    assert meeting.history.count() == 1 and Participation.history.count() == 1
    assert Participation.objects.get().position.title_ar == "مدير عام المعلومات"


def test_an_organisation_known_only_from_another_organisations_drafts_is_not_disclosed(world):
    hidden = factories.organization("جمعية سرية للمدافعين")
    factories.involvement(world.other_meeting(), hidden, role="partner")
    files = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nH-1,لقاء,2022-11-26\n".encode()),
             ("organizations.csv", "مرجع الاجتماع,الجهة,الدور\nH-1,جمعية سرية للمدافعين,شريك\n".encode())]
    plan = plan_import(sheets=read_files(files)[0], organization=world.org, user=world.editor)
    assert hidden.pk not in plan.matched_organizations
    assert [str(action) for action in plan.sheets[1].rows[0].actions] == [
        arabic("New organisation «%(name)s», awaiting confirmation.") % {"name": "جمعية سرية للمدافعين"}
    ]


def test_an_addressee_name_too_long_for_the_database_is_an_error_not_a_crash(world):
    files = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nL-1,لقاء,2022-11-26\n".encode()),
             ("recommendations.csv", f"مرجع الاجتماع,رقم التوصية,النص,الجهات المعنية\nL-1,1,توصية,{'ج' * 300}\n".encode())]
    plan = plan_import(sheets=read_files(files)[0], organization=world.org, user=world.editor)
    assert plan.errors()[0][3] == arabic("Too long: at most %(limit)s characters.") % {"limit": 250}


def test_a_new_organisation_named_only_as_an_addressee_can_be_confirmed_by_our_reviewers(world):
    """It blocks the meeting's publication (Meeting.pending_organizations), so the meeting's
    reviewers must be able to confirm it: otherwise the imported meeting could never be published."""
    files = [("meetings.csv", "مرجع الاجتماع,العنوان,التاريخ\nP-1,لقاء,2022-11-26\n".encode()),
             ("recommendations.csv", "مرجع الاجتماع,رقم التوصية,النص,الجهات المعنية\nP-1,1,توصية,مكتب جديد للتنسيق\n".encode()),
             ("participants.csv", "مرجع الاجتماع,الجهة\nP-1,جمعية جديدة للشباب\n".encode())]
    records_import(plan=plan_import(sheets=read_files(files)[0], organization=world.org, user=world.editor))
    meeting = Meeting.objects.get()
    pending = set(meeting.pending_organizations().values_list("name_ar", flat=True))
    assert pending == {"مكتب جديد للتنسيق", "جمعية جديدة للشباب"}
    assert set(Organization.objects.confirmable_by(world.reviewer).values_list("name_ar", flat=True)) == pending
    assert not Organization.objects.confirmable_by(world.other_reviewer).exists()
    assert not Organization.objects.confirmable_by(world.editor).exists()
