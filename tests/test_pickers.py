"""The meeting form's searchable pickers and named rows (meetings/pickers.py, form_choices.py):
what the look-ups offer to whom, and the form at national size."""

import re

import pytest
from django.db.models.signals import post_init
from django.urls import reverse

from meetings.models import Meeting, MeetingOrganization, Membership, Organization
from tests import factories
from tests.staff_helpers import entry_url, fast_passwords, make_world, new_meeting_data, world  # noqa: F401

Role = Membership.Role


def pick(client, kind, text):
    response = client.get(reverse(f"staff:pick_{kind}"), {"q": text})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    return response.json()["results"]


def own_meeting(world, **fields):
    meeting = factories.meeting(**fields)
    factories.involvement(meeting, world.org, MeetingOrganization.Role.ORGANISER)
    return meeting


@pytest.mark.django_db
def test_organisations_are_found_in_any_spelling_but_only_those_the_user_may_choose(client, world):
    published = factories.organization("مكتب حقوق الإنسان بمأرب", acronym_ar="محم")
    factories.involvement(factories.meeting(published=True), published, MeetingOrganization.Role.PARTNER)
    secret = factories.organization("مكتب حقوق سري للمدافعين")  # known only from another organisation's draft
    theirs = factories.meeting()
    factories.involvement(theirs, world.other_org, MeetingOrganization.Role.ORGANISER)
    factories.involvement(theirs, secret, MeetingOrganization.Role.PARTNER)

    client.force_login(world.editor)
    labels = [r["label"] for r in pick(client, "organizations", "حقوق الانسان")]  # no hamza: still found
    assert "مكتب حقوق الإنسان بمأرب" in labels and "مكتب حقوق سري للمدافعين" not in labels
    assert pick(client, "organizations", "مكتب حقوق سري") == []
    assert [r["label"] for r in pick(client, "organizations", "مساءلة")] == [world.org.name]  # their own
    assert pick(client, "organizations", "م") == []  # too short to look for

    client.force_login(world.other_editor)
    assert [r["label"] for r in pick(client, "organizations", "مكتب حقوق سري")] == ["مكتب حقوق سري للمدافعين"]


@pytest.mark.django_db
def test_people_come_with_their_posts_and_protected_people_stay_with_their_organisation(client, world):
    official = factories.person("عبدربه حليس", public=True)
    factories.position(official, "مدير عام المعلومات والإحصاء")
    defender = factories.person("عبدربه المدافع")  # protected, met at another organisation's meeting
    theirs = factories.meeting()
    factories.involvement(theirs, world.other_org, MeetingOrganization.Role.ORGANISER)
    factories.participation(theirs, defender)
    ours = factories.person("عبدربه الراصد")  # protected, met at our meeting
    factories.participation(own_meeting(world), ours)

    client.force_login(world.editor)
    results = pick(client, "people", "عبدربه")
    assert {r["label"] for r in results} == {"عبدربه حليس", "عبدربه الراصد"}
    posts = [r for r in results if r["person"] == official.pk and r["position"]]
    assert len(posts) == 1 and "مدير عام المعلومات والإحصاء" in posts[0]["detail"]
    assert any(r["person"] == official.pk and r["position"] is None for r in results)

    client.force_login(world.other_editor)
    assert "عبدربه المدافع" in {r["label"] for r in pick(client, "people", "عبدربه")}


@pytest.mark.django_db
def test_the_look_ups_are_for_staff_only(client, world):
    url = reverse("staff:pick_people") + "?q=عبدربه"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_look_up_costs_the_same_queries_whatever_the_data(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.pickers import organization_options, person_options

    def count():
        # The look-ups themselves (the client's session and sign-in bookkeeping vary with time).
        with CaptureQueriesContext(connection) as queries:
            organization_options(world.editor, "جمعية")
            person_options(world.editor, "شخص")
        return len(queries)

    def add(numbers):
        for n in numbers:
            factories.participation(
                factories.meeting(published=True), position_obj=factories.position(factories.person(f"شخص {n}", public=True))
            )
            factories.involvement(factories.meeting(published=True), factories.organization(f"جمعية {n}"))

    add(range(3))
    few = count()
    add(range(3, 30))
    # Each look-up: the ids of the user's organisations (so that PostgreSQL plans for them,
    # models/workspace.py, organizations_of), then its rows; people also read their posts.
    assert count() == few <= 5


def page_and_models_built(client, url):
    """The page's HTML, and the model of every instance built while making it."""
    read = []

    def count(sender, instance, **kwargs):
        read.append(sender)

    post_init.connect(count)
    try:
        return client.get(url).content.decode(), read
    finally:
        post_init.disconnect(count)


def options_of(html, name):
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return re.findall(r'<option value="([^"]*)"', match.group(1))


@pytest.mark.django_db
def test_a_long_list_is_not_a_menu_in_every_row(client, world, settings):
    settings.PICKER_MENU_LIMIT = 10
    for n in range(40):
        factories.involvement(factories.meeting(published=True), factories.organization(f"جمعية رقم {n}"))
    chosen = Organization.objects.get(name_ar="جمعية رقم 7")
    meeting = own_meeting(world)
    factories.involvement(meeting, chosen, MeetingOrganization.Role.PARTNER, order=1)
    client.force_login(world.editor)

    # No menu reads its whole list either (Django's Select reads the first option to decide on
    # "required": at national size that read every meeting for the "follows" menu, 20 s).
    html, read = page_and_models_built(client, reverse("staff:meeting_edit", args=[meeting.pk]))
    assert read.count(Meeting) < 40 and read.count(Organization) < 40, (read.count(Meeting), read.count(Organization))
    # The row's choice, the user's own organisation and the empty choice: not 40 organisations.
    assert set(options_of(html, "organizations-1-organization")) == {"", str(chosen.pk), str(world.org.pk)}
    assert set(options_of(html, "organizations-2-organization")) == {"", str(world.org.pk)}
    assert 'data-picker-short="1"' in html and "data-picker-note" in html
    size = len(html)
    for n in range(40, 120):
        factories.involvement(factories.meeting(published=True), factories.organization(f"جمعية رقم {n}"))
    assert len(client.get(reverse("staff:meeting_edit", args=[meeting.pk])).content.decode()) == size

    settings.PICKER_MENU_LIMIT = 1000  # a short list stays a menu: the form works without JavaScript
    html = client.get(reverse("staff:meeting_edit", args=[meeting.pk])).content.decode()
    assert len(options_of(html, "organizations-2-organization")) > 100


@pytest.mark.django_db
def test_typing_the_exact_name_of_a_known_organisation_chooses_it(client, world):
    known = factories.organization("شرطة محافظة مأرب")
    factories.involvement(factories.meeting(published=True), known)
    client.force_login(world.editor)
    data = new_meeting_data(client, world, title_ar="لقاء كتب فيه اسم جهة معروفة")
    data.update({"organizations-1-new_organization": "  شرطة  محافظة مأرب ", "organizations-1-role": "partner"})
    response = client.post(entry_url(), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title_ar="لقاء كتب فيه اسم جهة معروفة")
    assert known in [i.organization for i in meeting.involvements.all()]
    assert Organization.objects.filter(name_ar__contains="شرطة محافظة مأرب").count() == 1


@pytest.mark.django_db
def test_rows_and_buttons_are_named_for_their_section(client, world):
    client.force_login(world.editor)
    html = client.get(reverse("staff:meeting_create")).content.decode()
    for text in ["التوصية 1", "أضِف توصية", "المشارك 2", "أضِف مشاركًا", "الجهة 1", "أضِف جهة", "المرفق 1", "أضِف مرفقًا"]:
        assert text in html, text
    assert "الصف 1" not in html and "إضافة صف" not in html and "---------" not in html
    assert "— اختر جهة —" in html and "— اختر شخصًا —" in html
    # The template row that "Add" copies is named too.
    assert "التوصية __number__" in html


@pytest.mark.django_db
def test_optional_rows_are_not_starred(client, world):
    client.force_login(world.editor)
    html = client.get(reverse("staff:meeting_create")).content.decode()
    attachment_row = html[html.index('id="row-attachments-0"') :]
    attachment_row = attachment_row[: attachment_row.index("</fieldset>")]
    assert 'class="required"' not in attachment_row
    # The meeting's own fields keep their stars.
    assert re.search(r'for="id_title_ar">[^<]*<span class="required"', html)


@pytest.mark.django_db
def test_the_follow_up_form_does_not_list_every_meeting_of_the_country(client, world, settings):
    """Its «discussed at» menu offered every published meeting: 100,000 options at national size."""
    from django import forms
    from django.utils import translation
    from django.utils.html import escape

    from meetings.models import RecommendationUpdate

    settings.PICKER_MENU_LIMIT = 10
    ours = own_meeting(world, published=True)
    recommendation = factories.recommendation(ours, text_ar="توصية نتابع تنفيذها")
    latest_own = own_meeting(world)  # a draft of our organisation: offered in the short menu
    for _n in range(40):
        factories.meeting(published=True)
    elsewhere = Meeting.objects.published().exclude(pk=ours.pk).order_by("pk").first()
    their_draft = world.other_meeting(title_ar="مسودة منظمة أخرى")
    url = reverse("staff:recommendation_follow_up", args=[recommendation.pk])
    client.force_login(world.editor)

    html, read = page_and_models_built(client, url)
    assert read.count(Meeting) < 10, read.count(Meeting)
    assert set(options_of(html, "meeting")) == {"", str(latest_own.pk)}  # not the recommendation's own meeting
    assert 'data-picker-short="1"' in html and "data-picker-note" in html
    size = len(html)
    for _n in range(40):
        factories.meeting(published=True)
    assert len(client.get(url).content.decode()) == size

    # Any published meeting may still be chosen (a picker or a hand-written value)...
    data = {"status": "in_progress", "progress": "40", "date": "2023-03-01", "note_ar": "نوقشت في لقاء لاحق"}
    assert client.post(url, {**data, "meeting": elsewhere.pk}).status_code == 302
    assert RecommendationUpdate.objects.get(recommendation=recommendation).meeting == elsewhere
    # ... but not another organisation's draft: refused in Arabic, nothing recorded.
    response = client.post(url, {**data, "meeting": their_draft.pk})
    with translation.override("ar"):
        refusal = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    assert response.status_code == 200 and escape(refusal) in response.content.decode()
    assert RecommendationUpdate.objects.filter(recommendation=recommendation).count() == 1
    # The chosen meeting stays in the short menu when the form comes back with an error.
    response = client.post(url, {**data, "meeting": elsewhere.pk, "progress": "400"})
    assert response.status_code == 200 and str(elsewhere.pk) in options_of(response.content.decode(), "meeting")

    settings.PICKER_MENU_LIMIT = 1000  # a short list stays a menu: the form works without JavaScript
    assert len(options_of(client.get(url).content.decode(), "meeting")) > 80
