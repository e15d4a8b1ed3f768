"""The admin's delete pages at real size: a bounded list, and «Delete selected» within a limit."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from meetings import admin_site
from meetings.admin import base
from meetings.models import Governorate, Meeting, Tag
from tests import factories
from tests.staff_helpers import arabic

pytestmark = pytest.mark.django_db


def test_the_delete_page_lists_a_bounded_number_of_records_and_counts_them_all(admin_client, monkeypatch):
    monkeypatch.setattr(base, "DELETE_LISTED", 3)
    governorate = Governorate.objects.create(name_ar="محافظة الاختبار", name_en="Test", slug="test-governorate")
    meetings = [factories.meeting(title_ar=f"لقاء المحافظة {n}", governorate=governorate) for n in range(5)]
    url = reverse("admin:meetings_governorate_delete", args=[governorate.pk])
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    listed = [meeting for meeting in meetings if meeting.title_ar in page]
    assert len(listed) == 3  # the meetings in the way: the governorate cannot be deleted
    assert "… وسجلّان آخران." in page
    assert Governorate.objects.filter(pk=governorate.pk).exists()

    tag = Tag.objects.create(name_ar="وسم للحذف", slug="tag-to-delete")
    for meeting in meetings:
        meeting.tags.add(tag)
    page = admin_client.get(reverse("admin:meetings_tag_delete", args=[tag.pk])).content.decode()
    assert "وسم للحذف" in page
    admin_client.post(reverse("admin:meetings_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert not Tag.objects.filter(pk=tag.pk).exists()


def test_delete_selected_refuses_more_rows_than_its_limit_and_deletes_nothing(admin_client, monkeypatch):
    monkeypatch.setattr(admin_site, "DELETE_SELECTED_LIMIT", 2)
    meetings = [factories.meeting(title_ar=f"لقاء {n}") for n in range(3)]
    changelist = reverse("admin:meetings_meeting_changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "select_across": "1", "index": "0", ACTION_CHECKBOX_NAME: [meetings[0].pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert "حُدِّدت 3 صفوف؛ حدِّد 2 صفًّا على الأكثر لحذفها معًا. لم يُحذف شيء." in response.content.decode()
    assert Meeting.objects.count() == 3

    chosen = {ACTION_CHECKBOX_NAME: [meetings[0].pk, meetings[1].pk], "action": "delete_selected", "index": "0"}
    page = admin_client.post(changelist, chosen)
    assert page.status_code == 200 and "لقاء 0" in page.content.decode()  # the confirmation
    admin_client.post(changelist, {**chosen, "post": "yes"})
    assert list(Meeting.objects.values_list("title_ar", flat=True)) == ["لقاء 2"]


def test_the_limits_message_is_in_arabic():
    assert arabic("… and %(count)d more record.") != "… and %(count)d more record."
