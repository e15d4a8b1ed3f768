"""Small, explicit builders for test data. Each returns a saved object."""

import datetime
import itertools
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from meetings.models import (
    Governorate,
    Meeting,
    MeetingOrganization,
    Membership,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    StakeholderGroup,
    Tag,
    Theme,
)

_counter = itertools.count(1)


def _n():
    return next(_counter)


def ensure_reference_data():
    """Put back the governorates and stakeholder groups of the data migration if a flush
    (the end of a live-server test in the same worker) removed them."""
    import importlib

    from django.apps import apps

    if not Governorate.objects.exists():
        importlib.import_module("meetings.migrations.0002_reference_data").create(apps, None)


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Records written once for a whole test module (in a module-scoped fixture), in a
    transaction rolled back when the module ends. Each test runs in a savepoint inside it, as
    usual, so what a test writes is still undone after it. For data that many tests only read
    and that takes seconds to build."""
    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        ensure_reference_data()
        yield
        transaction.set_rollback(True)


def governorate(slug="marib"):
    return Governorate.objects.get(slug=slug)


def stakeholder_group(slug="civil-society"):
    return StakeholderGroup.objects.get(slug=slug)


def user(username=None, **fields):
    username = username or f"user{_n()}"
    return get_user_model().objects.create_user(username=username, password="pass-Sanad-2022", **fields)


def organization(name_ar=None, **fields):
    n = _n()
    fields.setdefault("name_en", f"Organisation {n}")
    return Organization.objects.create(name_ar=name_ar or f"منظمة رقم {n}", **fields)


def person(name_ar=None, *, public=False, **fields):
    n = _n()
    visibility = Person.Visibility.PUBLIC if public else Person.Visibility.PROTECTED
    return Person.objects.create(name_ar=name_ar or f"شخص رقم {n}", visibility=visibility, **fields)


def position(person_obj=None, title_ar=None, **fields):
    return Position.objects.create(
        person=person_obj or person(), title_ar=title_ar or f"مدير عام رقم {_n()}", **fields
    )


def project(name_ar=None, **fields):
    return Project.objects.create(name_ar=name_ar or f"مشروع رقم {_n()}", **fields)


def tag(name_ar=None):
    return Tag.objects.create(name_ar=name_ar or f"وسم_{_n()}")


def theme(name_ar=None, **fields):
    n = _n()
    fields.setdefault("slug", f"theme-{n}")
    return Theme.objects.create(name_ar=name_ar or f"محور رقم {n}", **fields)


def meeting(title_ar=None, *, published=False, status=None, date=None, **fields):
    fields.setdefault("governorate", governorate())
    obj = Meeting.objects.create(
        title_ar=title_ar or f"لقاء تشاوري رقم {_n()}",
        date=date or datetime.date(2022, 11, 26),
        status=status or Meeting.Status.DRAFT,
        **fields,
    )
    if published:
        obj.publish()
    return obj


def involvement(meeting_obj, organization_obj=None, role=MeetingOrganization.Role.ORGANISER, **fields):
    return MeetingOrganization.objects.create(
        meeting=meeting_obj, organization=organization_obj or organization(), role=role, **fields
    )


def participation(meeting_obj, person_obj=None, position_obj=None, **fields):
    if person_obj is None and position_obj is not None:
        person_obj = position_obj.person
    return Participation.objects.create(meeting=meeting_obj, person=person_obj, position=position_obj, **fields)


def recommendation(meeting_obj=None, text_ar=None, **fields):
    meeting_obj = meeting_obj or meeting()
    fields.setdefault("order", meeting_obj.recommendations.count() + 1)
    return Recommendation.objects.create(
        meeting=meeting_obj, text_ar=text_ar or f"توصية رقم {_n()}", **fields
    )


def full_meeting(title_ar=None, *, published=True, **fields):
    """A meeting with every kind of record a public page shows, modelled on the Marib sample:
    organiser, partner and funder, two stakeholder groups, a tag, a public and a protected
    speaker, and a recommendation (addressed to the partner) with one follow-up update.

    A published one is entered first and published last, as staff do: each row added to a
    published meeting recounts its summary rows (meetings/tallies.py), a row added to a draft
    does not, and the end is the same."""
    fields.setdefault("project", project())
    obj = meeting(
        title_ar,
        published=False,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 30),
        city_ar="مدينة مأرب",
        venue_ar="قاعة الاجتماعات",
        summary_ar="لقاء تشاوري بين الجهات الأمنية ومنظمات المجتمع المدني.",
        minutes_ar="أكد المشاركون أهمية تعزيز التنسيق.",
        attendance_total=40,
        attendance_women=12,
        attendance_men=28,
        source_url="https://example.org/news/1",
        **fields,
    )
    organiser, partner, funder = organization(), organization(), organization()
    involvement(obj, organiser, MeetingOrganization.Role.ORGANISER)
    involvement(obj, partner, MeetingOrganization.Role.PARTNER)
    involvement(obj, funder, MeetingOrganization.Role.FUNDER)
    obj.stakeholder_groups.add(stakeholder_group("security-agencies"), stakeholder_group("civil-society"))
    obj.tags.add(tag())
    participation(obj, position_obj=position(person(public=True)), statement_ar="نؤكد أهمية الشراكة.")
    participation(obj, position_obj=position(person()), statement_ar="نطالب بتسهيل عمل المنظمات.")
    item = recommendation(obj, theme=theme())
    item.addressees.add(partner)
    item.set_status(Recommendation.Status.IN_PROGRESS, progress=40, note="بدأ التنفيذ.", on=obj.date)
    if published:
        obj.publish()
    return obj


def membership(user_obj, organization_obj, role=Membership.Role.EDITOR):
    return Membership.objects.create(user=user_obj, organization=organization_obj, role=role)


def staff(role=Membership.Role.EDITOR, organization_obj=None, username=None):
    """A user who works for ``organization_obj`` (a new one if omitted) in ``role``."""
    staff_user = user(username)
    membership(staff_user, organization_obj or organization(), role)
    return staff_user
