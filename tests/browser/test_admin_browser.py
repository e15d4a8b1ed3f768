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
