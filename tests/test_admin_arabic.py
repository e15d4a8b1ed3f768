"""The admin's Arabic: every page a superuser opens reads grammatically (issue 11).

Django builds phrases by inserting a model's name into a sentence, which gave «أضف الجهة آخر»,
«اختر العضوية لتغييره», «2 العضويات» and «ديسمبر 1, 2026»; meetings/admin/phrases.py, the
project's catalogue (locale/ar) and sanad/formats/ar say them whole instead.
"""

import datetime
import itertools
import json
import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils import formats, translation

from meetings.admin.phrases import PHRASES, phrases_for
from meetings.models import Meeting, MeetingEvent, Membership, Organization
from tests import factories
from tests.test_admin import _expected_status, admin_url, build

# The project's models and Django's accounts; third-party admins (django-axes, django-otp)
# fall back to Django's sentences, which the project's catalogue rewrites for any noun.
ALL_REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in ("meetings", "auth")),
    key=lambda model: model._meta.label_lower,
)

# A definite noun followed by «آخر»/«أخرى» («أضف الجهة آخر»): the adjective of an indefinite noun
# after a definite one. (Ordinary words starting with «ال» are never followed by «آخر» in the admin.)
DEFINITE_PLUS_ANOTHER = re.compile(r"(?<!\w)ال\w+ (?:آخر|أخرى)(?!\w)")
# A number then a definite plural («2 العضويات»).
NUMBER_PLUS_DEFINITE = re.compile(r"(?<![\w.,])\d+ ال\w+")
# The English order of Django's fallback date-time format («ديسمبر 1, 2026»).
MONTH_FIRST = re.compile(r"(?:يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{1,2},")
WRONG_PHRASES = ("اختر العضوية لتغييره", "اختر الجهة لتغييره", "اختر التوصية لتغييره", "ساعة من وقت الخادم")


def admin_text(response):
    """What the page says: its unescaped HTML, plus the inlines' "add another" labels (JSON in an attribute)."""
    html = response.content.decode()
    texts = [unescape(html)]
    for data in re.findall(r'data-inline-formset="([^"]*)"', html):
        texts.append(json.loads(unescape(data))["options"]["addText"])
    return "\n".join(texts)


def assert_reads_well(text, where):
    for pattern in (DEFINITE_PLUS_ANOTHER, NUMBER_PLUS_DEFINITE, MONTH_FIRST):
        found = pattern.findall(text)
        assert not found, f"{where}: {found[:5]}"
    for phrase in WRONG_PHRASES:
        assert not re.search(re.escape(phrase) + r"(?!\w)", text), f"{where}: «{phrase}»"


_groups = itertools.count(1)


def build_any(model):
    """tests/test_admin.py's builders, and Django's groups."""
    if model is Group:
        return Group.objects.create(name=f"مجموعة {next(_groups)}")
    return build(model)


@pytest.fixture
def superuser(db):
    return factories.user(is_staff=True, is_superuser=True)


@pytest.fixture
def arabic_admin(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", ALL_REGISTERED, ids=lambda model: model._meta.label_lower)
def test_every_admin_page_reads_well_in_arabic(arabic_admin, superuser, model):
    """The list (with two rows), add and change pages of every model: no «ال… آخر», no «2 ال…», no «ديسمبر 1,»."""
    first, _second = build_any(model), build_any(model)
    pages = {"changelist": admin_url(model, "changelist"), "change": admin_url(model, "change", first.pk)}
    if _expected_status(model, "add", superuser) == 200:
        pages["add"] = admin_url(model, "add")
    for view, url in pages.items():
        response = arabic_admin.get(url)
        assert response.status_code == 200, url
        assert_reads_well(admin_text(response), f"{model._meta.label_lower} {view}")


def test_every_model_of_the_domain_has_its_own_phrases():
    missing = [model._meta.label_lower for model in ALL_REGISTERED if phrases_for(model._meta) is None]
    assert missing == []


@pytest.mark.parametrize(("count", "expected"), [(1, "عضوية واحدة"), (2, "عضويتان"), (3, "3 عضويات"), (11, "11 عضويةً"), (100, "100 عضوية")])
def test_counts_take_the_arabic_plural_forms(count, expected):
    with translation.override("ar"):
        assert PHRASES["meetings.membership"].counted(count) == expected


def test_membership_list_counts_two_memberships_in_the_dual(arabic_admin):
    for _ in range(2):
        Membership.objects.create(user=factories.user(), organization=factories.organization())
    page = admin_text(arabic_admin.get(admin_url(Membership, "changelist")))
    assert "عضويتان" in page
    assert "اختر العضوية لتغييرها" in page
    assert "أضف عضوية" in page


def test_meeting_page_names_each_inline_row_in_arabic(arabic_admin):
    meeting = factories.full_meeting()
    response = arabic_admin.get(admin_url(Meeting, "change", meeting.pk))
    labels = [json.loads(unescape(data))["options"]["addText"] for data in re.findall(r'data-inline-formset="([^"]*)"', response.content.decode())]
    assert {"أضف جهة مشاركة أخرى", "أضف مشاركة أخرى", "أضف توصية أخرى"} <= set(labels)


def test_organisation_pages_say_their_titles_whole(arabic_admin):
    factories.organization()
    assert "<title>اختر الجهة لتغييرها" in arabic_admin.get(admin_url(Organization, "changelist")).content.decode()
    assert "<title>أضف جهة" in arabic_admin.get(admin_url(Organization, "add")).content.decode()


def test_related_object_links_read_well_with_any_noun(arabic_admin):
    page = admin_text(arabic_admin.get(admin_url(Meeting, "add")))
    assert "إضافة عنصر جديد: المحافظة" in page
    assert "أضف المحافظة آخر" not in page


def test_arabic_date_time_format_puts_the_day_first():
    moment = datetime.datetime(2026, 12, 1, 7, 1)
    with translation.override("ar"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1 ديسمبر 2026، 7:01 ص"
        assert formats.date_format(moment.date()) == "1 ديسمبر 2026"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "Dec. 1, 2026, 7:01 a.m."


def test_review_log_shows_arabic_date_times(arabic_admin, settings):
    event = build(MeetingEvent)
    MeetingEvent.objects.filter(pk=event.pk).update(at=datetime.datetime(2026, 12, 1, 4, 1, tzinfo=datetime.UTC))
    page = admin_text(arabic_admin.get(admin_url(MeetingEvent, "changelist")))
    assert "1 ديسمبر 2026، 7:01 ص" in page  # Asia/Aden is UTC+3


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(1, "متأخر بساعة واحدة"), (2, "متأخر بساعتين"), (3, "متأخر بـ 3 ساعات"), (11, "متأخر بـ 11 ساعة")],
)
def test_admin_javascript_catalogue_counts_hours_in_arabic(arabic_admin, hours, expected):
    """The date-time shortcuts' «أنت متأخر بـ 3 ساعة» comes from the JavaScript catalogue: overridden in locale/ar."""
    script = arabic_admin.get("/admin/jsi18n/").content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    forms = catalogue["Note: You are %s hour behind server time."]
    form = forms[_arabic_plural_index(hours)].replace("%s", str(hours))
    assert expected in form


def _arabic_plural_index(n):
    if n == 0:
        return 0
    if n == 1:
        return 1
    if n == 2:
        return 2
    if 3 <= n % 100 <= 10:
        return 3
    if 11 <= n % 100 <= 99:
        return 4
    return 5


def test_every_phrase_and_override_is_in_the_arabic_catalogue():
    """The project catalogue says each phrase (a missing one would show English in the Arabic admin)."""
    from meetings.admin.phrases import DJANGO_OVERRIDES

    with translation.override("ar"):
        for phrases in PHRASES.values():
            for phrase in (phrases.add, phrases.add_another, phrases.select_to_change, phrases.counted(5)):
                assert re.search(r"[\u0600-\u06FF]", str(phrase)), phrase
        for msgid in DJANGO_OVERRIDES:
            assert re.search(r"[\u0600-\u06FF]", translation.gettext(msgid)), msgid
        assert translation.gettext("Add another %(model)s") == "إضافة عنصر جديد: %(model)s"
