"""The meeting form at real size: a bounded number of queries whatever the number of rows,
and a formset with too many rows refused before its rows are built."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from meetings.forms import MAX_ROWS
from meetings.models import Meeting, Participation, Recommendation
from tests.staff_helpers import (  # noqa: F401
    big_meeting,
    entry_url,
    fast_passwords,
    read_form,
    world,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

OPEN_LIMIT = 40
SAVE_LIMIT = 80
# A save that changes rows writes them in bulk (bulk_update, their versions, one refresh of
# publicity and search): a fixed cost, the same for 2 changed rows as for 200, and within the
# issue's limit of a save too.
EDIT_LIMIT = SAVE_LIMIT


def queries_of(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def open_and_save(client, meeting):
    """Queries of opening the edit form, of saving it unchanged, and of saving it with one
    recommendation and one participant's statement changed."""
    url = entry_url(meeting)
    response, opening = queries_of(lambda: client.get(url))
    assert response.status_code == 200
    data = read_form(response)
    response, saving = queries_of(lambda: client.post(url, data))
    assert response.status_code == 302, response.content.decode()[:2000]
    data = read_form(client.get(url))
    data["recommendations-0-text_ar"] += " (معدلة)"
    data["participants-1-statement_ar"] += " (معدلة)"
    response, editing = queries_of(lambda: client.post(url, data))
    assert response.status_code == 302
    return opening, saving, editing


def test_the_edit_form_and_its_save_cost_the_same_queries_at_5_and_at_20_rows(client, world):
    client.force_login(world.editor)
    small = open_and_save(client, big_meeting(world, 5))
    large = open_and_save(client, big_meeting(world, 20))
    opening, saving, editing = large
    assert opening <= OPEN_LIMIT
    assert saving <= SAVE_LIMIT
    assert editing <= EDIT_LIMIT
    # Not merely under the limits: the same number whatever the number of rows.
    assert large == small


def test_the_form_reads_the_editors_organisations_once(client, world):
    """Every menu and check of the form narrows by the editor's organisations: one read of
    them serves all (and one more where the view finds the meeting among the editor's)."""
    client.force_login(world.editor)
    meeting = big_meeting(world, 5)
    url = entry_url(meeting)

    def reads(call):
        with CaptureQueriesContext(connection) as queries:
            response = call()
        return response, sum('SELECT DISTINCT "meetings_membership"."organization_id"' in query["sql"] for query in queries.captured_queries)

    response, opening = reads(lambda: client.get(url))
    data = read_form(response)
    data["participants-1-statement_ar"] += " (معدلة)"
    response, saving = reads(lambda: client.post(url, data))
    assert response.status_code == 302
    assert (opening, saving) == (2, 2)


def test_an_administrator_form_is_bounded_too(client, world):
    client.force_login(world.administrator)
    small = open_and_save(client, big_meeting(world, 3))
    large = open_and_save(client, big_meeting(world, 12))
    assert large == small


def test_a_save_of_a_big_meeting_keeps_every_row_and_its_changes(client, world):
    meeting = big_meeting(world, 20)
    client.force_login(world.editor)
    before = list(meeting.recommendations.order_by("order").values_list("pk", "order", "text_ar", "theme"))
    addressees = {item.pk: set(item.addressees.values_list("pk", flat=True)) for item in meeting.recommendations.all()}
    versions = [item.history.count() for item in meeting.recommendations.order_by("order")[:2]]
    open_and_save(client, meeting)
    after = list(meeting.recommendations.order_by("order").values_list("pk", "order", "text_ar", "theme"))
    assert [row[:2] for row in after] == [row[:2] for row in before]
    assert after[0][2].endswith("(معدلة)") and after[1:] == before[1:]
    assert {item.pk: set(item.addressees.values_list("pk", flat=True)) for item in meeting.recommendations.all()} == addressees
    statements = list(meeting.participations.order_by("order").values_list("statement_ar", flat=True))
    assert statements[1].endswith("(معدلة)") and not statements[0].endswith("(معدلة)")
    # The changed recommendation has a new version; the unchanged ones do not.
    changed, unchanged = meeting.recommendations.order_by("order")[:2]
    assert [changed.history.count(), unchanged.history.count()] == [versions[0] + 1, versions[1]]
    assert changed.history.first().addressees.count() == 2


def test_a_forged_choice_is_still_refused_when_choices_are_shared(client, world):
    """The shared choice lists check values against the same querysets: another
    organisation's protected person is not a valid choice in any row."""
    from tests import factories

    secret = factories.person("شخص محمي لدى منظمة أخرى")
    factories.participation(world.other_meeting(), secret)
    meeting = big_meeting(world, 3)
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["participants-2-person"] = str(secret.pk)
    data["participants-2-position"] = ""
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    assert response.context["entry"].formsets["participants"].forms[2].errors["person"]
    assert not Participation.objects.filter(person=secret, meeting=meeting).exists()


@pytest.mark.parametrize("prefix", ["participants", "recommendations", "organizations"])
def test_an_inflated_formset_is_refused_at_once_and_changes_nothing(client, world, prefix):
    meeting = big_meeting(world, 3)
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["title_ar"] = "عنوان لا يجوز حفظه"
    data[f"{prefix}-TOTAL_FORMS"] = "100000"
    version = meeting.version
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(entry_url(meeting), data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert elapsed < 1.0, f"refusing took {elapsed:.2f} s"
    # Refused before any row was read: the session, the user, the meeting and the page's own few.
    assert len(queries) < 15
    assert "entry" not in response.context
    with translation.override("ar"):
        title = translation.gettext("The form has too many rows")
    assert title in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.version == version
    assert meeting.title_ar != "عنوان لا يجوز حفظه"
    assert meeting.participations.count() == 3


def test_an_inflated_new_meeting_is_refused_too(client, world):
    client.force_login(world.editor)
    data = read_form(client.get(entry_url()))
    data.update({"title_ar": "لقاء مزيف", "participants-TOTAL_FORMS": "100000"})
    count = Meeting.objects.count()
    response = client.post(entry_url(), data)
    assert response.status_code == 400
    assert Meeting.objects.count() == count


def test_a_few_rows_over_the_maximum_get_the_form_back_with_a_message(client, world):
    """Just over the maximum (not a forgery's hundred thousand): the rows stored are shown again,
    with the message at the top of the section, and nothing is saved."""
    meeting = big_meeting(world, 3)
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["title_ar"] = "عنوان لا يجوز حفظه"
    data["participants-TOTAL_FORMS"] = str(MAX_ROWS + 5)
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    participants = response.context["entry"].formsets["participants"]
    assert len(participants.forms) == 3
    with translation.override("ar"):
        message = translation.ngettext(
            "This section can have at most %(max)d row; the form was not saved. Remove rows, "
            "or record the rest in another meeting.",
            "This section can have at most %(max)d rows; the form was not saved. Remove rows, "
            "or record the rest in another meeting.",
            MAX_ROWS,
        ) % {"max": MAX_ROWS}
    assert message in [str(error) for error in participants.non_form_errors()]
    meeting.refresh_from_db()
    assert meeting.title_ar != "عنوان لا يجوز حفظه"


def test_one_row_more_than_the_maximum_is_refused(client, world):
    meeting = world.meeting()
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["recommendations-TOTAL_FORMS"] = str(MAX_ROWS + 1)
    for i in range(MAX_ROWS + 1):
        data[f"recommendations-{i}-text_ar"] = f"توصية {i}"
        data[f"recommendations-{i}-kind"] = Recommendation._meta.get_field("kind").default
        data[f"recommendations-{i}-priority"] = Recommendation._meta.get_field("priority").default
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    assert response.context["entry"].formsets["recommendations"].non_form_errors()
    assert not meeting.recommendations.exists()
    assert Meeting.objects.get(pk=meeting.pk).version == meeting.version


def test_the_formsets_declare_their_maximum_to_the_browser(client, world):
    client.force_login(world.editor)
    page = client.get(entry_url(world.meeting())).content.decode()
    assert f'name="participants-MAX_NUM_FORMS" value="{MAX_ROWS}"' in page


def test_a_form_of_the_maximum_size_is_not_refused_for_its_number_of_fields(settings, world):
    """Every row sends all its fields (and each chosen addressee is one more): a form with
    MAX_ROWS rows in each section must fit under DATA_UPLOAD_MAX_NUMBER_FIELDS."""
    from meetings.forms import FORMSETS, MAX_ATTACHMENTS, MeetingForm

    meeting = world.meeting()
    per_row = {
        prefix: len(factory(instance=meeting, prefix=prefix, user=world.editor).empty_form.fields)
        for prefix, factory in FORMSETS.items()
    }
    addressees_per_recommendation = 5
    needed = (
        len(MeetingForm(instance=meeting, user=world.editor).fields)
        + 4 * len(FORMSETS)  # management forms
        + MAX_ROWS * (per_row["organizations"] + per_row["participants"])
        + MAX_ROWS * (per_row["recommendations"] + addressees_per_recommendation)
        + MAX_ATTACHMENTS * per_row["attachments"]
    )
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= needed
