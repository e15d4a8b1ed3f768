"""Staff reminders (notifications/reminders.py), mailed through a real SMTP server.

Each test builds records around "today", runs ``send_reminders`` the way cron does
and reads what the SMTP server received.
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Meeting, MeetingOrganization, Membership, Recommendation
from notifications.models import Preference, ReminderSent
from notifications.reminders import send_reminders
from tests import factories
from tests.smtp import smtp_outbox, smtp_server  # noqa: F401

Role = Membership.Role
TODAY = datetime.date(2026, 6, 15)
NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 6, 0))


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://sanad.example.org"


def member(organization, role=Role.EDITOR, *, language=None, email=True):
    user = factories.user(email=f"{factories._n()}@example.org" if email else "")
    factories.membership(user, organization, role)
    if language:
        Preference.objects.create(user=user, language=language)
    return user


def addressed(organization, *, due, published=True, status=None, text=None):
    meeting = factories.meeting(published=published, date=days(-60))
    recommendation = factories.recommendation(meeting, text_ar=text or f"توصية رقم {factories._n()}", due_date=due)
    recommendation.addressees.add(organization)
    if status:
        recommendation.set_status(status)
    return recommendation


def mails_to(outbox, user):
    return [mail for mail in outbox if user.email in mail.recipients]


@pytest.mark.django_db
def test_members_of_the_addressee_are_reminded_of_due_and_overdue_recommendations(smtp_outbox, site):
    ministry, bystander = factories.organization("وزارة الداخلية"), factories.organization("جهة لا علاقة لها")
    arabic_reader = member(ministry, Role.EDITOR, language="ar")
    english_reader = member(ministry, Role.REVIEWER, language="en")
    no_address = member(ministry, email=False)
    outsider = member(bystander, Role.ADMINISTRATOR)

    soon = addressed(ministry, due=days(10), text="تشكيل لجنة مشتركة للرقابة على السجون")
    late = addressed(ministry, due=days(-5), text="الإفراج عن المحتجزين دون مسوغ قانوني")
    far = addressed(ministry, due=days(60), text="توصية بعيدة الأجل عن التدريب")
    done = addressed(ministry, due=days(-5), status=Recommendation.Status.IMPLEMENTED, text="توصية نفذت من قبل")
    draft = addressed(ministry, due=days(3), published=False, text="توصية في مسودة لم تنشر")
    addressed(bystander, due=days(2), text="توصية موجهة إلى غيرهم")

    sent = send_reminders(today=TODAY, now=NOW)

    assert {digest.user for digest in sent} == {arabic_reader, english_reader, outsider}
    assert mails_to(smtp_outbox, no_address) == []
    (theirs,) = mails_to(smtp_outbox, outsider)  # about their own organisation's recommendation only
    assert "توصية موجهة إلى غيرهم" in theirs.body and soon.text_ar not in theirs.body and late.text_ar not in theirs.body
    (arabic,) = mails_to(smtp_outbox, arabic_reader)
    (english,) = mails_to(smtp_outbox, english_reader)
    for mail in (arabic, english):
        assert soon.text_ar in mail.body and late.text_ar in mail.body
        assert far.text_ar not in mail.body and done.text_ar not in mail.body and draft.text_ar not in mail.body
        assert "توصية موجهة إلى غيرهم" not in mail.body
        assert f"https://sanad.example.org" in mail.body
    # Overdue first, then due soon; each in the reader's language, with a link in that language.
    assert arabic.body.index(late.text_ar) < arabic.body.index(soon.text_ar)
    assert "توصيات متأخرة" in arabic.body and arabic.message["Content-Language"] == "ar"
    assert "Overdue recommendations" in english.body and english.message["Content-Language"] == "en"
    assert "/en/staff/recommendations/" in english.body
    assert "/staff/recommendations/" in arabic.body and "/en/staff/" not in arabic.body


@pytest.mark.django_db
def test_a_fact_is_mailed_once_and_a_person_at_most_once_a_period(smtp_outbox, site):
    ministry = factories.organization()
    reader = member(ministry)
    first = addressed(ministry, due=days(-1))

    assert len(send_reminders(today=TODAY, now=NOW)) == 1
    assert len(smtp_outbox) == 1

    # The same day: nothing new is mailed, not even a new fact (it waits for the next period).
    second = addressed(ministry, due=days(20))
    assert send_reminders(today=TODAY, now=NOW + datetime.timedelta(hours=2)) == []
    assert len(smtp_outbox) == 1

    # The next day: only the new fact.
    (digest,) = send_reminders(today=days(1), now=NOW + datetime.timedelta(days=1))
    assert digest.user == reader and digest.due_soon == [second] and digest.overdue == []
    assert first.text_ar not in smtp_outbox[1].body and second.text_ar in smtp_outbox[1].body

    # A new due date is a new fact.
    Recommendation.objects.filter(pk=first.pk).update(due_date=days(-3))
    (digest,) = send_reminders(today=days(2), now=NOW + datetime.timedelta(days=2))
    assert digest.overdue == [Recommendation.objects.get(pk=first.pk)]
    assert ReminderSent.objects.filter(user=reader).count() == 3


@pytest.mark.django_db
def test_organisers_are_reminded_of_unpublished_minutes_after_three_and_seven_days(smtp_outbox, site):
    organiser, participant = factories.organization("منظمة منظِّمة"), factories.organization("جهة مشاركة")
    editor = member(organiser, Role.EDITOR, language="ar")
    participant_member = member(participant, Role.ADMINISTRATOR)

    held = factories.meeting("لقاء لم تنشر محاضره", date=days(-3))
    factories.involvement(held, organiser, MeetingOrganization.Role.ORGANISER)
    factories.involvement(held, participant, MeetingOrganization.Role.PARTICIPANT)
    recent = factories.meeting("لقاء عقد أمس", date=days(-2))
    factories.involvement(recent, organiser, MeetingOrganization.Role.ORGANISER)
    published = factories.meeting("لقاء نُشر", date=days(-4), published=True)
    factories.involvement(published, organiser, MeetingOrganization.Role.ORGANISER)
    old = factories.meeting("لقاء قديم مستورد", date=days(-400))
    factories.involvement(old, organiser, MeetingOrganization.Role.ORGANISER)

    (digest,) = send_reminders(today=TODAY, now=NOW)
    assert digest.user == editor and digest.drafts == [(held, 3)]
    (mail,) = smtp_outbox
    assert "لقاء لم تنشر محاضره" in mail.body and "لقاء عقد أمس" not in mail.body
    assert "لقاء نُشر" not in mail.body and "لقاء قديم مستورد" not in mail.body
    assert "عُقد قبل 3 أيام" in mail.body
    assert reverse("staff:meeting_detail", kwargs={"pk": held.pk}) in mail.body
    assert mails_to(smtp_outbox, participant_member) == []

    # Days 4 to 6: nothing more about it; day 7: the second reminder; then never again.
    for later in (1, 2, 3):
        digests = send_reminders(today=days(later), now=NOW + datetime.timedelta(days=later))
        assert all(meeting != held for d in digests for meeting, _ in d.drafts)
        if later == 1:  # the other meeting reaches its third day
            assert [d.drafts for d in digests] == [[(recent, 3)]]
    (digest,) = [d for d in send_reminders(today=days(4), now=NOW + datetime.timedelta(days=4)) if d.user == editor]
    assert (held, 7) in digest.drafts
    held.status = Meeting.Status.REVIEW  # submitted but not published: still a reminder's matter, already sent
    held.save(update_fields=["status"])
    assert not any((held, 8) in d.drafts for d in send_reminders(today=days(5), now=NOW + datetime.timedelta(days=5)))


@pytest.mark.django_db
def test_dry_run_sends_and_records_nothing(smtp_outbox, site, capsys):
    ministry = factories.organization()
    member(ministry)
    addressed(ministry, due=timezone.localdate() - datetime.timedelta(days=1))
    call_command("send_reminders", "--dry-run")
    assert "1 reminder digest(s) would be mailed" in capsys.readouterr().out
    assert smtp_outbox == [] and not ReminderSent.objects.exists()
    call_command("send_reminders")
    assert len(smtp_outbox) == 1 and ReminderSent.objects.count() == 1


@pytest.mark.django_db
def test_reminders_cost_a_fixed_number_of_queries(site, django_assert_max_num_queries, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ministry = factories.organization()
    for _ in range(3):
        member(ministry)
    for n in range(12):
        addressed(ministry, due=days(n - 6))
    with django_assert_max_num_queries(8 + 3):  # reads, then one insert per person mailed
        assert len(send_reminders(today=TODAY, now=NOW, dry_run=False)) == 3


@pytest.mark.django_db
def test_signing_in_records_the_language_of_the_page(client):
    user = factories.user("reader-en")
    with translation.override("en"):
        login_url = reverse("login")
    assert login_url.startswith("/en/")
    response = client.post(login_url, {"username": "reader-en", "password": "pass-Sanad-2022"})
    assert response.status_code == 302
    assert Preference.objects.get(user=user).language == "en"
