"""Mail goes out through a real SMTP server (tests/smtp.py): the password-reset mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.smtp import smtp_outbox, smtp_server  # noqa: F401
from tests.staff_helpers import arabic, fast_passwords  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")


def test_a_mail_sent_by_django_arrives_at_the_smtp_server(smtp_outbox):
    assert mail.send_mail("تجربة", "نص الرسالة", "sanad@example.org", ["someone@example.org"]) == 1
    assert len(smtp_outbox) == 1
    received = smtp_outbox[0]
    assert received.recipients == ["someone@example.org"]
    assert received.subject == "تجربة"
    assert received.body.strip() == "نص الرسالة"
    assert mail.outbox == []  # not the test backend: it really went over SMTP


def test_the_password_reset_mail_arrives_in_arabic_with_a_working_link(client, db, smtp_outbox):
    user = factories.user("amal", email="amal@example.org")
    response = client.post(reverse("password_reset"), {"email": "AMAL@example.org"})
    assert response.status_code == 302
    assert len(smtp_outbox) == 1
    received = smtp_outbox[0]
    assert received.recipients == ["amal@example.org"]
    assert received.subject == arabic("Choose a new password for Sanad")
    assert ARABIC_LETTERS.search(received.subject)
    body = received.body
    assert arabic("To choose a new password, open this link:") in body
    assert ARABIC_LETTERS.search(body)
    assert "amal" in body

    link = re.search(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # to the same address with the token kept in the session
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": "a-New-long-Pass-2026", "new_password2": "a-New-long-Pass-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-New-long-Pass-2026")
    # The link works once.
    response = client.get(link)
    assert response.status_code == 200 and "new_password1" not in response.content.decode()


def test_no_mail_for_an_unknown_address_and_the_same_answer(client, db, smtp_outbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert smtp_outbox == []



def test_an_invitation_mail_arrives_over_smtp_with_a_link_that_sets_the_password(client, db, smtp_outbox):
    """An organisation administrator invites a member: the mail really goes out, and its link works."""
    from meetings.models import Membership
    from tests.staff_helpers import make_world

    world = make_world()
    client.force_login(world.administrator)
    response = client.post(
        reverse("staff:member_invite", args=[world.org.slug]), {"email": "huda@example.org", "role": "editor"}
    )
    assert response.status_code == 302
    assert len(smtp_outbox) == 1
    received = smtp_outbox[0]
    assert received.recipients == ["huda@example.org"]
    assert ARABIC_LETTERS.search(received.subject) and world.org.name in received.subject
    link = re.search(r"https?://testserver(/staff/invitation/[^/\s]+/[^/\s]+/)", received.body).group(1)
    client.logout()
    page = client.get(link, follow=True)
    set_password_url = page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "a-New-long-Pass-2026", "new_password2": "a-New-long-Pass-2026"})
    assert response.status_code == 302
    member = Membership.objects.get(organization=world.org, user__email="huda@example.org").user
    assert member.check_password("a-New-long-Pass-2026")
