"""The staff workspace in real Chromium, in Arabic: the Marib meeting of 26 November 2022
(/work/shared/samples/marib-consultative-meeting-2022-11-26.ar.txt) is typed in by an
editor, published by a reviewer, read on the public site, and then edited by two
reviewers at once without either losing their text."""

import datetime

import pytest

from meetings.models import Governorate, Meeting, Membership, Person, StakeholderGroup
from tests import factories
from tests.staff_helpers import PASSWORD, fast_passwords, media_root, pdf_bytes  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords", "media_root"), pytest.mark.long]

TITLE = "اللقاء التشاوري الموسع بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان في مأرب"
SUMMARY = (
    "نظمت منظمة مساءلة لحقوق الانسان، و المنظمة الوطنية للإعلاميين اليمنيين \"صدى\" يوم أمس السبت، لقاءً تشاورياً "
    "بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان بمحافظة مأرب، لبحث سبل تذليل الصعوبات "
    "والتحديات التي تواجه عمل المنظمات والمدافعين عن حقوق الإنسان في الميدان وكيفية تذليلها."
)
MINUTES = (
    "وفي بداية اللقاء اكد مدير عام المعلومات والإحصاء بديوان عام المحافظة عبدربه حليس ومدير عام مكتب حقوق الانسان "
    "عبدربه جديع، على اهمية تعزيز آلية التنسيق والتعاون بين السلطة المحلية ومنظمات المجتمع المدني باعتبارها شريكاً "
    "أساسياً ومهماً في التنمية.\n"
    "واشاد حليس وجديع بالادوار الوطنية والمجتمعية لمنظمات المجتمع المدني خلال السنوات الثمان من الحرب."
)
RECOMMENDATIONS = [
    "تعزيز العلاقة والتنسيق بين السلطة المحلية والامنية ومنظمات المجتمع المدني الحقوقية من اجل تفعيل دورها بشكل اكبر",
    "تطوير المنظمات المحلية الحقوقية لقدراتها واليات عملها",
    "الالتزام بالمهنية في الرصد والتوثيق ونقل الحقائق كما هي والشفافية في الاداء والتقارير",
]
OFFICIALS = [
    ("عبدربه حليس", "مدير عام المعلومات والإحصاء", "ديوان عام محافظة مأرب", "أكد على أهمية تعزيز آلية التنسيق والتعاون"),
    ("عبدربه جديع", "مدير عام مكتب حقوق الإنسان", "مكتب حقوق الإنسان بمأرب", "أشاد بجهود المنظمات الحقوقية في الرصد والتوثيق"),
]


def reference_data():
    """Governorates and stakeholder groups come from a data migration, which a transactional
    test run before this one may have flushed."""
    Governorate.objects.get_or_create(slug="marib", defaults={"name_ar": "مأرب", "name_en": "Marib", "code": "YE-MA"})
    for slug, name in [
        ("security-agencies", "الجهات الأمنية"),
        ("civil-society", "منظمات المجتمع المدني"),
        ("human-rights-defenders", "المدافعون عن حقوق الإنسان"),
    ]:
        StakeholderGroup.objects.get_or_create(slug=slug, defaults={"name_ar": name})


def setup_organisations():
    """Musa'ala's staff, and the organisations already known from the earlier, published
    meeting with journalists (the sample says this one follows it)."""
    reference_data()
    musaala = factories.organization("منظمة مساءلة لحقوق الإنسان", name_en="Musa'ala for Human Rights")
    others = {
        name: factories.organization(name)
        for name in ["المنظمة الوطنية للإعلاميين اليمنيين صدى", "شرطة محافظة مأرب", "منظمة سيفيرورلد", *[o[2] for o in OFFICIALS]]
    }
    earlier = factories.meeting(
        "اللقاء التشاوري الموسع بين الجهات الأمنية والإعلاميين والصحفيين في مأرب",
        date=datetime.date(2022, 11, 24),
        governorate=Governorate.objects.get(slug="marib"),
    )
    factories.involvement(earlier, musaala, role="organiser")
    for order, organization in enumerate(others.values(), start=1):
        factories.involvement(earlier, organization, role="partner", order=order)
    earlier.publish()
    project = factories.project("مشروع ساند لتعزيز السلم المجتمعي")
    project.implementers.add(musaala)
    factories.staff(Membership.Role.EDITOR, musaala, username="mona")
    factories.staff(Membership.Role.REVIEWER, musaala, username="khaled")
    factories.staff(Membership.Role.REVIEWER, musaala, username="salwa")
    return musaala, others, earlier, project


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ar-YE")
    context.set_default_timeout(15_000)
    return context.new_page()


def pick(page, select, name, *, detail=None):
    """Choose ``name`` with the searchable picker that replaces ``select``: type part of it, click the suggestion."""
    box = page.locator(f"{select}-combobox")
    box.click()
    box.fill(name.split()[-1] if len(name.split()) > 1 else name)
    option = page.locator(f"{select}-combobox-list [role=option]", has_text=name)
    if detail:
        option = option.filter(has_text=detail)
    option.first.click()
    assert page.locator(f"{select}-combobox").get_attribute("aria-expanded") == "false"


def log_in(page, username):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.mark.django_db(transaction=True)
def test_an_editor_enters_the_marib_meeting_a_reviewer_publishes_it_and_a_conflict_loses_nothing(
    page, browser, live_server
):
    musaala, others, earlier, project = setup_organisations()
    names = list(others)
    known = factories.person(OFFICIALS[0][0], public=True)
    known_post = factories.position(known, OFFICIALS[0][1], organization=others[OFFICIALS[0][2]])

    # --- The editor types the meeting in, on one page, in Arabic.
    log_in(page, "mona")
    page.click(".workspace-nav a[href='/staff/meetings/new/']")
    page.wait_for_url("**/staff/meetings/new/")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("#id_title_ar", TITLE)
    page.fill("#id_title_en", "Expanded consultative meeting in Marib")
    page.fill("#id_date", "2022-11-26")
    page.select_option("#id_governorate", label="مأرب")
    page.select_option("#id_project", label="مشروع ساند لتعزيز السلم المجتمعي")
    page.select_option("#id_follows", value=str(earlier.pk))
    for group in ["الجهات الأمنية", "منظمات المجتمع المدني", "المدافعون عن حقوق الإنسان"]:
        page.get_by_label(group, exact=True).check()
    page.fill("#id_tags", "#مأرب #مساءلة #اليمن #مشروع_ساند")
    page.fill("#id_summary_ar", SUMMARY)
    page.fill("#id_minutes_ar", MINUTES)

    roles = [
        ("منظمة مساءلة لحقوق الإنسان", "organiser"),
        (names[0], "co_organiser"),
        (names[1], "partner"),
        (names[2], "funder"),  # a fourth row: added with the "Add a row" button
    ]
    add_organisation = page.locator("[data-formset=organizations] [data-add-row]")
    assert add_organisation.is_visible()
    add_organisation.click()
    # Organisations are chosen with the searchable picker: a few letters of the name, then the suggestion.
    for index, (name, role) in enumerate(roles):
        pick(page, f"#id_organizations-{index}-organization", name)
        page.select_option(f"#id_organizations-{index}-role", value=role)
    assert page.locator("#id_organizations-0-organization").is_hidden()  # the menu is replaced, not shown twice
    assert page.locator("#id_organizations-TOTAL_FORMS").input_value() == "4"

    # The first official is already known, with his post: one pick chooses both. The second is new.
    name, post, organization, statement = OFFICIALS[0]
    pick(page, "#id_participants-0-person", name, detail=post)
    assert page.locator("#id_participants-0-position").input_value() == str(known_post.pk)
    pick(page, "#id_participants-0-organization", organization)
    page.fill("#id_participants-0-statement_ar", statement)
    name, post, organization, statement = OFFICIALS[1]
    page.fill("#id_participants-1-new_person_name", name)
    page.fill("#id_participants-1-new_position_title", post)
    pick(page, "#id_participants-1-organization", organization)
    page.check("#id_participants-1-new_person_public")
    page.fill("#id_participants-1-statement_ar", statement)

    for index, text in enumerate(RECOMMENDATIONS):
        page.fill(f"#id_recommendations-{index}-text_ar", text)
    for addressee in (names[1], OFFICIALS[0][2]):  # several addressees: each a chip with its remove button
        pick(page, "#id_recommendations-0-addressees", addressee)
    assert page.locator("#field-id_recommendations-0-addressees .picker__chips li").count() == 2
    page.set_input_files(
        "#id_attachments-0-file", files=[{"name": "محضر اللقاء.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.click("button[name=then][value=submit]")
    page.wait_for_url("**/staff/meetings/*/")
    assert page.locator(".status").get_attribute("data-status") == "review"

    meeting = Meeting.objects.get(title_ar=TITLE)
    assert meeting.status == "review" and meeting.follows == earlier and meeting.project == project
    assert [(i.organization.name_ar, i.role) for i in meeting.involvements.all()] == roles
    assert sorted(t.name for t in meeting.tags.all()) == sorted(["مأرب", "مساءلة", "اليمن", "مشروع_ساند"])
    assert sorted(meeting.stakeholder_groups.values_list("slug", flat=True)) == [
        "civil-society",
        "human-rights-defenders",
        "security-agencies",
    ]
    for participation, (name, post, organization, statement) in zip(
        meeting.participations.select_related("person", "position", "organization"), OFFICIALS
    ):
        assert participation.person.name_ar == name and participation.person.visibility == Person.Visibility.PUBLIC
        assert participation.position.title_ar == post and participation.position.organization.name_ar == organization
        assert participation.statement_ar == statement
    assert list(meeting.recommendations.order_by("order").values_list("text_ar", flat=True)) == RECOMMENDATIONS
    assert meeting.attachments.get().content_type == "application/pdf"

    # --- A reviewer, in another browser, publishes it from the dashboard.
    reviewer = new_page(browser, live_server)
    log_in(reviewer, "khaled")
    reviewer.locator("#review-title ~ ul a", has_text=TITLE).click()
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    # Publication goes through the check for protected names (none here: the officials are public).
    reviewer.click(f"a[href='/staff/meetings/{meeting.pk}/publication-check/']")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/publication-check/")
    assert reviewer.locator("#no-findings").is_visible()
    # ...and then through the preview of the public page, where the publish button is.
    reviewer.click("#preview-link")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/preview/")
    reviewer.click("#publish-button")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    assert reviewer.locator(".status").get_attribute("data-status") == "published"

    # --- Anyone can now read it on the public site, in Arabic.
    meeting.refresh_from_db()
    reader = new_page(browser, live_server)
    response = reader.goto(meeting.get_absolute_url())
    assert response.status == 200
    assert reader.locator("html").get_attribute("dir") == "rtl"
    body = reader.locator("main").inner_text()
    assert TITLE in body
    for name, post, _organization, _statement in OFFICIALS:
        assert name in body and post in body
    for text in RECOMMENDATIONS:
        assert text in body

    # --- Two reviewers edit the published meeting at once.
    second = new_page(browser, live_server)
    log_in(second, "salwa")
    edit_url = f"/staff/meetings/{meeting.pk}/edit/"
    reviewer.goto(edit_url)
    second.goto(edit_url)
    reviewer.fill("#id_minutes_en", "Minutes translated by the first reviewer.")
    second.fill("#id_summary_en", "Summary written by the second reviewer.")
    second.click("button[name=then][value=save]")
    second.wait_for_url(f"**/staff/meetings/{meeting.pk}/")

    # Different fields: the merge keeps both without asking (tests/browser/test_merge_browser.py
    # covers a field both changed).
    reviewer.click("button[name=then][value=save]")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.summary_en == "Summary written by the second reviewer."
    assert meeting.minutes_en == "Minutes translated by the first reviewer."
    assert meeting.status == "published"
    for other in (reviewer, second, reader):
        other.context.close()
