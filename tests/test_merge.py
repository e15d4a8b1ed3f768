"""The conflict page merges (meetings/merge.py): fields only one side changed are kept,
fields both changed are asked about, and submitting it never loses either side's work.

On today's code ``test_a_changed_summary_and_changed_minutes_both_survive`` fails: the
second person's form, submitted as shown on the conflict page, erases the first one's summary.
"""

import pytest
from django.test import Client

from meetings.models import Meeting
from tests import factories
from tests.staff_helpers import entry_url, fast_passwords, read_form, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def two_editors(world, meeting):
    first, second = Client(), Client()
    first.force_login(world.editor)
    second.force_login(world.reviewer)
    return first, read_form(first.get(entry_url(meeting))), second, read_form(second.get(entry_url(meeting)))


def test_a_changed_summary_and_changed_minutes_both_survive(world):
    meeting = world.meeting(summary_ar="الملخص الأول", minutes_ar="المحضر الأول")
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["summary_ar"] = "ملخص كتبه الأول"
    assert first.post(entry_url(meeting), first_data).status_code == 302
    second_data["minutes_ar"] = "محضر كتبه الثاني"
    response = second.post(entry_url(meeting), second_data)
    if response.status_code == 409:  # a conflict page, submitted as shown
        response = second.post(entry_url(meeting), read_form(response))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.summary_ar, meeting.minutes_ar) == ("ملخص كتبه الأول", "محضر كتبه الثاني")
    assert meeting.version == 3


def test_disjoint_changes_are_combined_without_asking(world):
    meeting = world.meeting(title_ar="العنوان", summary_ar="الملخص", attendance_total=10)
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data.update(title_ar="عنوان جديد", attendance_total="12")
    first_data["tags"] = "#مأرب"
    first.post(entry_url(meeting), first_data)
    second_data["summary_en"] = "A summary"
    response = second.post(entry_url(meeting), second_data, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].endswith(f"/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert (meeting.title_ar, meeting.attendance_total, meeting.summary_en) == ("عنوان جديد", 12, "A summary")
    assert list(meeting.tags.values_list("name_ar", flat=True)) == ["مأرب"]


def test_a_field_both_changed_is_asked_about_and_kept_both_by_default(world):
    meeting = world.meeting(summary_ar="الملخص الأول")
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["summary_ar"] = "ملخص الأول"
    first.post(entry_url(meeting), first_data)
    second_data["summary_ar"] = "ملخص الثاني"
    second_data["title_ar"] = "عنوان الثاني"
    response = second.post(entry_url(meeting), second_data)
    assert response.status_code == 409
    page = response.content.decode()
    conflict = page[page.index('id="merge-summary_ar"') : page.index("</tr>", page.index('id="merge-summary_ar"'))]
    assert "الملخص الأول" in conflict and "ملخص الأول" in conflict and "ملخص الثاني" in conflict
    assert 'id="merge-title_ar"' not in page  # only the second one changed the title
    form = read_form(response)
    assert form["resolve-summary_ar"] == "both"
    assert second.post(entry_url(meeting), form).status_code == 302
    meeting.refresh_from_db()
    assert "ملخص الأول" in meeting.summary_ar and "ملخص الثاني" in meeting.summary_ar
    assert meeting.title_ar == "عنوان الثاني"


@pytest.mark.parametrize("choice, expected", [("mine", "ملخص الثاني"), ("theirs", "ملخص الأول")])
def test_the_chosen_side_is_kept(world, choice, expected):
    meeting = world.meeting(summary_ar="الملخص الأول")
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["summary_ar"] = "ملخص الأول"
    first.post(entry_url(meeting), first_data)
    second_data["summary_ar"] = "ملخص الثاني"
    form = read_form(second.post(entry_url(meeting), second_data))
    form["resolve-summary_ar"] = choice
    assert second.post(entry_url(meeting), form).status_code == 302
    meeting.refresh_from_db()
    assert meeting.summary_ar == expected


def test_a_conflict_on_a_choice_field_needs_an_answer(world):
    meeting = world.meeting(kind=Meeting.Kind.CONSULTATIVE)
    first, first_data, second, second_data = two_editors(world, meeting)
    kinds = [value for value in Meeting.Kind.values if value != Meeting.Kind.CONSULTATIVE]
    first_data["kind"] = kinds[0]
    first.post(entry_url(meeting), first_data)
    second_data["kind"] = kinds[1]
    form = read_form(second.post(entry_url(meeting), second_data))
    assert "resolve-kind" not in form
    response = second.post(entry_url(meeting), form)
    assert response.status_code == 409  # no answer, nothing saved
    assert Meeting.objects.get(pk=meeting.pk).kind == kinds[0]
    form = read_form(response)
    form["resolve-kind"] = "mine"
    assert second.post(entry_url(meeting), form).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).kind == kinds[1]


def test_the_page_comes_back_with_the_newer_state_if_the_record_changed_again(world):
    meeting = world.meeting(summary_ar="الملخص", minutes_ar="المحضر")
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["summary_ar"] = "ملخص الأول"
    first.post(entry_url(meeting), first_data)
    second_data["summary_ar"] = "ملخص الثاني"
    form = read_form(second.post(entry_url(meeting), second_data))
    # Meanwhile the first one saves again: a new minutes text.
    again = read_form(first.get(entry_url(meeting)))
    again["minutes_ar"] = "محضر الأول"
    assert first.post(entry_url(meeting), again).status_code == 302
    response = second.post(entry_url(meeting), form)
    meeting.refresh_from_db()
    if response.status_code == 409:
        response = second.post(entry_url(meeting), read_form(response))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_ar == "محضر الأول"
    assert "ملخص الأول" in meeting.summary_ar and "ملخص الثاني" in meeting.summary_ar


def test_a_recommendation_only_the_other_changed_keeps_their_text(world):
    meeting = world.meeting(summary_ar="الملخص")
    item = factories.recommendation(meeting, text_ar="التوصية الأولى")
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["recommendations-0-text_ar"] = "التوصية كما عدلها الأول"
    assert first.post(entry_url(meeting), first_data).status_code == 302
    second_data["summary_ar"] = "ملخص الثاني"
    response = second.post(entry_url(meeting), second_data)
    assert response.status_code == 302
    item.refresh_from_db()
    meeting.refresh_from_db()
    assert item.text_ar == "التوصية كما عدلها الأول"
    assert meeting.summary_ar == "ملخص الثاني"


def test_menus_and_checkboxes_one_side_changed_are_taken_without_asking(world):
    from meetings.models import StakeholderGroup

    meeting = world.meeting(kind=Meeting.Kind.CONSULTATIVE)
    groups = list(StakeholderGroup.objects.order_by("pk")[:2])
    first, first_data, second, second_data = two_editors(world, meeting)
    first_data["kind"] = next(value for value in Meeting.Kind.values if value != Meeting.Kind.CONSULTATIVE)
    first_data["stakeholder_groups"] = [str(group.pk) for group in groups]
    first_data["governorate"] = ""
    assert first.post(entry_url(meeting), first_data).status_code == 302
    second_data["summary_ar"] = "ملخص الثاني"
    assert second.post(entry_url(meeting), second_data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.kind == first_data["kind"] and meeting.governorate is None
    assert set(meeting.stakeholder_groups.all()) == set(groups)
    assert meeting.summary_ar == "ملخص الثاني"
