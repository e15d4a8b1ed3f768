"""Sign-in hardening in Chromium: enrolling an authenticator app (QR code drawn as SVG under
the strict CSP, a real TOTP code), then the lockout page after repeated failures."""

import pytest

from meetings.models import Membership
from tests import factories
from tests.staff_helpers import PASSWORD, fast_passwords  # noqa: F401
from tests.test_accounts import totp

pytestmark = [pytest.mark.usefixtures("fast_passwords")]


def _watch_console(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    return messages


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_must_enrol_and_then_reaches_the_workspace(page, settings, tmp_path):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["reviewer", "administrator"]
    factories.staff(Membership.Role.REVIEWER, username="khaled")
    console = _watch_console(page)
    page.goto("/accounts/login/")
    page.fill("#id_username", "khaled")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/?next=*")
    qr = page.locator("img.qr-code")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    page.screenshot(path=str(tmp_path / "two_factor_setup.png"), full_page=True)
    secret = page.locator("code.secret-key").inner_text()
    page.fill("#id_token", totp(secret))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url("**/staff/")
    assert not [text for text in console if "Content Security Policy" in text]


@pytest.mark.django_db(transaction=True)
def test_repeated_failures_show_the_lockout_page(page, tmp_path):
    factories.staff(Membership.Role.EDITOR, username="mona")
    for attempt in range(6):
        page.goto("/accounts/login/")
        page.fill("#id_username", "mona")
        page.fill("#id_password", f"wrong-{attempt}")
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[role=alert]").is_visible()
    page.screenshot(path=str(tmp_path / "locked_out.png"), full_page=True)
    # The right password now is refused too.
    page.goto("/accounts/login/")
    page.fill("#id_username", "mona")
    page.fill("#id_password", PASSWORD)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.click("form[action='/accounts/login/'] button[type=submit]")
    assert posted.value.status == 429
