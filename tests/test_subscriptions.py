"""Readers follow a record by e-mail (notifications/subscriptions.py), through a real SMTP server:
double opt-in, digests of published changes only, one-click unsubscribe."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import MeetingOrganization, Recommendation
from notifications.models import Subscription
from notifications.subscriptions import news_for, send_digests
from tests import factories
from tests.smtp import smtp_outbox, smtp_server  # noqa: F401
from tests.test_query_counts import MINUTES_COLUMN, SEARCH_COLUMN, plan_without_sequential_scans

LINK = re.compile(r"https://sanad\.example\.org(/\S+)")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://sanad.example.org"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    from django.core.cache import cache

    cache.clear()


def follow_url(kind, key, language="ar"):
    with translation.override(language):
        return reverse("notifications:follow", kwargs={"kind": kind, "key": key})


def links(mail):
    return LINK.findall(mail.body)


def later(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


def subscribe(client, kind, key, email="reader@example.org", language="ar"):
    return client.post(follow_url(kind, key, language), {"email": email})


@pytest.mark.django_db
def test_following_a_recommendation_needs_the_link_then_mails_its_approved_follow_up(client, smtp_outbox, site):
    meeting = factories.full_meeting("لقاء مأرب التشاوري")
    recommendation = meeting.recommendations.get()
    page = client.get(recommendation.get_absolute_url())
    assert follow_url("recommendation", recommendation.pk) in page.content.decode()

    form = client.get(follow_url("recommendation", recommendation.pk))
    assert form.status_code == 200 and "تابِع بالبريد الإلكتروني" in form.content.decode()
    response = subscribe(client, "recommendation", recommendation.pk)
    assert response.status_code == 200 and "تفقّد بريدك الوارد" in response.content.decode()
    (confirmation,) = smtp_outbox
    assert confirmation.recipients == ["reader@example.org"]
    assert recommendation.text_ar in confirmation.body

    # Not confirmed: news is not mailed.
    recommendation.set_status(Recommendation.Status.IN_PROGRESS, progress=60, note="تقدم")
    assert send_digests(now=later(48)) == []

    confirm_path = next(path for path in links(confirmation) if "/confirm/" in path)
    assert client.get(confirm_path).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.is_active

    # After confirming: an approved update is news, a pending one is not.
    approved = recommendation.set_status(Recommendation.Status.PARTIAL, progress=80, note="تنفيذ جزئي")
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="بانتظار المراجعة", pending=True)
    sent = send_digests(now=later(1))
    assert [(email, language) for email, language, _ in sent] == [("reader@example.org", "ar")]
    digest = smtp_outbox[-1]
    assert digest.subject == "أخبار ما تتابعه على سند"
    assert "نُفّذت جزئيًا" in digest.body or approved.get_status_display() in digest.body
    assert "80%" in digest.body and "100%" not in digest.body
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscription.token in digest.message["List-Unsubscribe"]

    # Once a period, and only news: nothing more to say right after.
    assert send_digests(now=later(2)) == []
    assert send_digests(now=later(30)) == []


@pytest.mark.django_db
def test_only_public_records_can_be_followed(client, smtp_outbox, site):
    draft = factories.full_meeting("لقاء لم ينشر", published=False)
    pending = factories.organization("جهة بانتظار التأكيد", is_pending=True)
    hidden = factories.organization("جهة لا تظهر إلا في المسودات")
    factories.involvement(draft, hidden)
    for kind, key in [
        ("recommendation", draft.recommendations.get().pk),
        ("organization", pending.slug),
        ("organization", hidden.slug),
        ("governorate", "atlantis"),
        ("meeting", draft.pk),
        ("recommendation", "not-a-number"),
    ]:
        assert client.get(follow_url(kind, key)).status_code == 404, (kind, key)
        assert subscribe(client, kind, key).status_code == 404, (kind, key)
    assert not Subscription.objects.exists() and smtp_outbox == []


@pytest.mark.django_db
def test_a_bad_address_gets_an_arabic_message_and_changes_nothing(client, smtp_outbox):
    response = subscribe(client, "governorate", "marib", email="not an address")
    assert response.status_code == 400
    assert "أدخل عنوان بريد إلكتروني صحيحًا" in response.content.decode()
    response = subscribe(client, "governorate", "marib", email="")
    assert "أدخل عنوان بريدك الإلكتروني." in response.content.decode()
    assert not Subscription.objects.exists() and smtp_outbox == []


@pytest.mark.django_db
def test_asking_again_neither_floods_the_inbox_nor_tells_who_is_subscribed(client, smtp_outbox, site):
    first = subscribe(client, "governorate", "marib", email="Reader@Example.org")
    again = subscribe(client, "governorate", "marib", email="reader@example.org")
    assert first.content == again.content
    assert len(smtp_outbox) == 1 and Subscription.objects.count() == 1
    Subscription.objects.update(confirmed_at=timezone.now())
    confirmed = subscribe(client, "governorate", "marib", email="reader@example.org")
    assert confirmed.content == first.content and len(smtp_outbox) == 1


@pytest.mark.django_db
def test_one_address_is_limited_per_hour_from_one_connection(client, smtp_outbox, site):
    for n in range(20):
        assert subscribe(client, "governorate", "marib", email=f"r{n}@example.org").status_code == 200
    response = subscribe(client, "governorate", "marib", email="r21@example.org")
    assert response.status_code == 429 and "أعد المحاولة بعد ساعة" in response.content.decode()
    assert Subscription.objects.count() == 20


@pytest.mark.django_db
def test_governorate_and_organisation_digests_say_what_was_published_and_nothing_else(client, smtp_outbox, site):
    organisation = factories.organization("منظمة تمكين المرأة", name_en="Women's Empowerment Organisation")
    factories.full_meeting("لقاء قديم")  # published before anyone followed: not news
    marib_sub = Subscription.objects.create(
        email="marib@example.org", kind="governorate", target_id=factories.governorate().pk, language="en",
        confirmed_at=timezone.now(), news_since=timezone.now(),
    )
    org_sub = Subscription.objects.create(
        email="org@example.org", kind="organization", target_id=organisation.pk, language="ar",
        confirmed_at=timezone.now(), news_since=timezone.now(),
    )
    new = factories.full_meeting("لقاء جديد في مأرب", title_en="A new meeting in Marib")
    factories.involvement(new, organisation, MeetingOrganization.Role.PARTICIPANT)
    draft = factories.full_meeting("لقاء مسودة في مأرب", published=False)
    factories.involvement(draft, organisation, MeetingOrganization.Role.PARTICIPANT)
    elsewhere = factories.full_meeting("لقاء في عدن", governorate=factories.governorate("aden"))
    protected = new.participations.filter(person__visibility="protected").get().person

    sent = {email: news for email, _language, news in send_digests(now=later(1))}
    assert set(sent) == {"marib@example.org", "org@example.org"}
    by_address = {mail.recipients[0]: mail for mail in smtp_outbox}
    english, arabic = by_address["marib@example.org"], by_address["org@example.org"]
    assert "A new meeting in Marib" in english.body and "Newly published meetings" in english.body
    assert "/en/meetings/" in english.body
    assert "لقاء جديد في مأرب" in arabic.body and "لقاءات نُشرت حديثًا" in arabic.body
    for mail in (english, arabic):
        assert "مسودة" not in mail.body and "لقاء قديم" not in mail.body and "عدن" not in mail.body
        assert protected.name_ar not in mail.body
    assert elsewhere.title_ar not in english.body
    marib_sub.refresh_from_db(), org_sub.refresh_from_db()
    assert marib_sub.last_sent_at > marib_sub.confirmed_at and marib_sub.news_since == marib_sub.last_sent_at
    assert send_digests(now=later(2)) == []  # once a period


@pytest.mark.django_db
def test_a_record_no_longer_public_is_not_mailed_about(smtp_outbox, site):
    meeting = factories.full_meeting()
    recommendation = meeting.recommendations.get()
    Subscription.objects.create(
        email="reader@example.org", kind="recommendation", target_id=recommendation.pk, language="ar",
        confirmed_at=timezone.now(), news_since=timezone.now(),
    )
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="نُفّذت")
    meeting.unpublish()
    assert send_digests(now=later(1)) == [] and smtp_outbox == []


@pytest.mark.django_db
def test_one_click_unsubscribe_ends_the_digests(smtp_outbox, site):
    subscription = Subscription.objects.create(
        email="reader@example.org", kind="governorate", target_id=factories.governorate().pk, language="ar",
        confirmed_at=timezone.now(), news_since=timezone.now(),
    )
    url = reverse("notifications:unsubscribe", kwargs={"token": subscription.token})
    strict = Client(enforce_csrf_checks=True)  # what a mail client's RFC 8058 POST looks like: no CSRF token
    page = strict.get(url)
    assert page.status_code == 200 and "إلغاء الاشتراك" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active  # looking at the page (or a link scanner fetching it) changes nothing
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscription.refresh_from_db()
    assert not subscription.is_active
    factories.full_meeting("لقاء بعد إلغاء الاشتراك")
    assert send_digests(now=later(1)) == []

    # Undo from the page.
    client = Client()
    client.get(url)
    client.post(reverse("notifications:resume", kwargs={"token": subscription.token}))
    subscription.refresh_from_db()
    assert subscription.is_active
    assert client.get(reverse("notifications:unsubscribe", kwargs={"token": "not-a-token"})).status_code == 404


@pytest.mark.django_db
def test_the_commands_mail_and_say_how_many(smtp_outbox, site, capsys):
    Subscription.objects.create(
        email="reader@example.org", kind="governorate", target_id=factories.governorate().pk, language="ar",
        confirmed_at=timezone.now() - datetime.timedelta(days=2), news_since=timezone.now() - datetime.timedelta(days=2),
    )
    factories.full_meeting("لقاء للملخّص")
    call_command("send_digests", "--dry-run")
    assert "1 digest(s) would be mailed" in capsys.readouterr().out and smtp_outbox == []
    call_command("send_digests")
    assert "1 digest(s) mailed" in capsys.readouterr().out and len(smtp_outbox) == 1


@pytest.mark.django_db
def test_without_site_url_the_confirmation_links_to_the_host_asked_and_cron_refuses(settings, client, smtp_outbox):
    settings.SITE_URL = ""
    response = client.post(follow_url("governorate", "marib"), {"email": "reader@example.org"}, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "http://localhost/subscriptions/" in smtp_outbox[0].body
    Subscription.objects.update(confirmed_at=timezone.now() - datetime.timedelta(days=2),
                                news_since=timezone.now() - datetime.timedelta(days=2))
    factories.full_meeting()
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("send_digests")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organization", "governorate"])
def test_a_digest_reads_a_periods_approvals_by_their_index_and_only_what_it_mails(kind):
    """Each followed record's news are the updates approved in the period: read by the index of
    approvals, not by reading every update (29-47 ms a record at 150,000-175,000 updates). The rows come
    without the columns no mail shows: minutes and search columns, kilobytes a row."""
    organisation = factories.organization("منظمة متابَعة")
    since = timezone.now()
    meeting = factories.full_meeting("لقاء متابَع في مأرب")
    factories.involvement(meeting, organisation, MeetingOrganization.Role.PARTICIPANT)
    recommendation = meeting.recommendations.get()
    recommendation.addressees.add(organisation)
    recommendation.set_status(Recommendation.Status.IN_PROGRESS, note="بدأ التنفيذ")
    factories.full_meeting("لقاء آخر في عدن", governorate=factories.governorate("aden")).recommendations.get().set_status(
        Recommendation.Status.IN_PROGRESS, note="في عدن"
    )
    target = organisation if kind == "organization" else factories.governorate()
    with CaptureQueriesContext(connection) as read:
        news = news_for(Subscription.Kind(kind), target, since, later(1))
    assert [m.pk for m in news.meetings] == [meeting.pk]
    assert {u.recommendation_id for u in news.updates} == {recommendation.pk}
    assert news.updates[0].note == "بدأ التنفيذ"  # the newest first
    statements = [query["sql"] for query in read.captured_queries]
    assert len(statements) == 2
    selected = [statement.split(" FROM ", 1)[0] for statement in statements]
    assert not [s for s in selected if SEARCH_COLUMN.search(s) or MINUTES_COLUMN.search(s)], selected
    if connection.vendor == "postgresql":
        (updates,) = [s for s in statements if '"meetings_recommendationupdate"."reviewed_at" >' in s]
        plan = plan_without_sequential_scans(updates)
        assert re.search(r"Scan using update_reviewed\b", plan), plan
