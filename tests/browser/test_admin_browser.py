from django.contrib.auth import get_user_model


def test_arabic_admin_renders_right_to_left(page, transactional_db):
    """The admin login and index are Arabic and laid out right to left in a real browser."""
    get_user_model().objects.create_superuser("admin", "admin@example.org", "pass-Sanad-2022")
    page.goto("/admin/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pass-Sanad-2022")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("#content h1").inner_text().strip() != ""
    assert page.locator("a[href='/admin/meetings/meeting/']").count() >= 1


def test_an_admin_picker_finds_a_meeting_as_its_title_is_typed(page, transactional_db):
    """The meeting picker of a participation, in real Chromium: three letters of a word of the
    title, even spelt without its hamza, offer the meeting (meetings/admin/searching.py)."""
    from playwright.sync_api import expect

    from meetings.models import Participation
    from tests import factories
    from tests.browser.test_staff_browser import reference_data

    reference_data()
    get_user_model().objects.create_superuser("admin", "admin@example.org", "pass-Sanad-2022")
    wells = factories.meeting(title_ar="لقاء حول آبار صرواح")
    factories.meeting(title_ar="لقاء حول الطرق الريفية")
    person = factories.person(name_ar="سلوى عبد الكريم")
    factories.person(name_ar="خالد ناصر", public=True)
    page.goto("/admin/login/?next=/admin/meetings/participation/add/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pass-Sanad-2022")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/meetings/participation/add/")

    def type_in(field, typed):
        """Open the field's picker and type; the options once the answer for ``typed`` is shown."""
        page.locator(f".field-{field} .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").fill(typed)
        options = page.locator(".select2-container--open .select2-results__option")
        # The picker opens with every record; typing replaces them with one answer.
        expect(options).to_have_count(1)
        return options

    # «ابا»: the beginning of «آبار» without its hamza.
    options = type_in("meeting", "ابا")
    expect(options).to_contain_text("آبار صرواح")
    options.click()
    assert page.locator("#id_meeting").input_value() == str(wells.pk)
    # A protected person is found by name in the admin (never on a public page).
    options = type_in("person", "سلو")
    expect(options).to_contain_text("سلوى عبد الكريم")
    options.click()
    assert page.locator("#id_person").input_value() == str(person.pk)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/meetings/participation/")
    assert Participation.objects.filter(meeting=wells, person=person).exists()
