"""The demo data: the Marib meeting exactly as the sample reports it, invented meetings that show
the rest of the portal, and a loader that can run any number of times."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from modeltranslation.translator import translator

from meetings.demo import load_demo
from meetings.models import (
    Meeting,
    MeetingOrganization,
    Participation,
    Person,
    Recommendation,
    RecommendationUpdate,
    Tag,
)

from tests import factories

# A minute or more: scheduled first (tests/conftest.py).
pytestmark = pytest.mark.long

SAMPLE = Path("/work/shared/samples/marib-consultative-meeting-2022-11-26.ar.txt")
MARIB_TITLE = "اللقاء التشاوري الموسع بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان في مأرب"
Role = MeetingOrganization.Role


@pytest.fixture
def demo(db):
    """A fresh load, for tests that change or reload the data."""
    return load_demo()


@pytest.fixture(scope="class")
def loaded_once(django_db_setup, django_db_blocker):
    """One load shared by a class of read-only tests, rolled back when the class is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Class fixtures run before the function-scoped autouse fixture that does this.
        factories.ensure_reference_data()
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def facts(loaded_once, db):
    return loaded_once


@pytest.fixture
def marib(facts):
    return Meeting.objects.get(title_ar=MARIB_TITLE)


def involvement_roles(meeting):
    return {(i.organization.name_ar, i.role) for i in meeting.involvements.select_related("organization")}


# --- The Marib meeting of 26 November 2022 --------------------------------------------


class TestTheMaribMeeting:
    """The sample's facts, each in a structured field."""

    def test_marib_meeting_is_a_published_consultative_meeting_on_saturday_26_november_2022(self, marib):
        assert marib.date == datetime.date(2022, 11, 26)
        assert marib.date.strftime("%A") == "Saturday"
        assert marib.kind == Meeting.Kind.CONSULTATIVE
        assert marib.governorate.slug == "marib"
        assert marib.is_published and marib.published_at is not None
        assert Meeting.objects.published().filter(pk=marib.pk).exists()

    def test_marib_meeting_names_both_organisers_the_police_partner_and_the_funder(self, marib):
        assert involvement_roles(marib) >= {
            ("منظمة مساءلة لحقوق الإنسان", Role.ORGANISER),
            ("المنظمة الوطنية للإعلاميين اليمنيين «صدى»", Role.CO_ORGANISER),
            ("شرطة محافظة مأرب", Role.PARTNER),
            ("سيفيرورلد", Role.FUNDER),
        }
        organizations = {i.role: i.organization for i in marib.involvements.select_related("organization")}
        sada = organizations[Role.CO_ORGANISER]
        assert (sada.acronym_ar, sada.acronym_en) == ("صدى", "Sada")
        assert sada.name_en == 'National Organization of Yemeni Media Professionals "Sada"'
        assert organizations[Role.ORGANISER].name_en == "Musa'ala Organization for Human Rights"
        assert (organizations[Role.PARTNER].kind, organizations[Role.PARTNER].name_en) == (
            "security", "Marib Governorate Police"
        )
        assert (organizations[Role.FUNDER].kind, organizations[Role.FUNDER].name_en) == ("donor", "Saferworld")

    def test_marib_meeting_belongs_to_the_sanad_project_of_musaala_and_sada_funded_by_saferworld(self, marib):
        project = marib.project
        assert project.name_ar == "مشروع ساند لتعزيز السلم المجتمعي"
        assert project.name_en == "Sanad project for strengthening community peace"
        assert {o.name_en for o in project.implementers.all()} == {
            "Musa'ala Organization for Human Rights",
            'National Organization of Yemeni Media Professionals "Sada"',
        }
        assert [o.name_en for o in project.donors.all()] == ["Saferworld"]
        assert "بالتعاون مع شرطة محافظة مأرب" in project.description_ar

    def test_marib_meeting_records_the_four_stakeholder_groups(self, marib):
        assert {g.slug for g in marib.stakeholder_groups.all()} == {
            "security-agencies", "civil-society", "human-rights-defenders", "local-authority"
        }

    @pytest.mark.parametrize(
        ("name", "post", "office"),
        [
            ("عبدربه حليس", "مدير عام المعلومات والإحصاء بديوان عام المحافظة", "local_authority"),
            ("عبدربه جديع", "مدير عام مكتب حقوق الإنسان", "government"),
        ],
    )
    def test_each_official_spoke_publicly_in_the_post_held_that_day(self, marib, name, post, office):
        participation = marib.participations.get(person__name_ar=name)
        assert participation.person.is_public
        assert participation.role == Participation.Role.SPEAKER
        assert participation.position.title_ar == post
        assert participation.position.person == participation.person
        assert participation.position.held_on(marib.date)
        assert participation.position.organization.kind == office
        assert participation.organization == participation.position.organization
        assert "أهمية تعزيز آلية التنسيق والتعاون بين السلطة المحلية ومنظمات المجتمع المدني" in participation.statement_ar
        assert "أشاد" in participation.statement_ar  # what they praised
        assert participation.statement_en and participation.position.title_en and participation.person.name_en
        assert participation.public_label().startswith(f"{name} — {post}")
        participation.full_clean()

    def test_the_officials_post_at_the_governorate_office_is_translated(self, marib):
        position = marib.participations.get(person__name_ar="عبدربه حليس").position
        assert position.title_en == "Director-General of Information and Statistics at the Governorate General Office"
        assert position.organization.name_ar == "ديوان عام محافظة مأرب"

    @pytest.mark.parametrize(
        "phrase",
        [
            "تعزيز العلاقة والتنسيق بين السلطة المحلية والامنية ومنظمات المجتمع المدني الحقوقية",
            "الوطنية والخدمية والتنموية والحقوقية",
            "تطوير المنظمات المحلية الحقوقية لقدراتها واليات عملها",
            "الالتزام بالمهنية في الرصد والتوثيق ونقل الحقائق كما هي",
            "الشفافية في الاداء والتقارير",
        ],
    )
    def test_each_recommendation_of_the_post_is_its_own_record(self, marib, phrase):
        assert phrase in SAMPLE.read_text(encoding="utf-8")
        matching = [r for r in marib.recommendations.all() if phrase in r.text_ar]
        assert len(matching) == 1, phrase
        recommendation = matching[0]
        assert recommendation.kind == Recommendation.Kind.RECOMMENDATION
        assert recommendation.theme is not None and recommendation.addressees.exists()
        assert recommendation.text_en

    def test_the_marib_recommendations_are_numbered_and_themed_one_by_one(self, marib):
        recommendations = list(marib.recommendations.order_by("order"))
        assert [r.order for r in recommendations] == [1, 2, 3, 4, 5]
        assert len({r.theme_id for r in recommendations}) == 5
        # Nothing is invented about their follow-up: they stand as proposed.
        assert {r.status for r in recommendations} == {Recommendation.Status.PROPOSED}
        assert not RecommendationUpdate.objects.filter(recommendation__meeting=marib).exists()

    def test_the_post_hashtags_are_the_meeting_tags(self, marib):
        assert {t.name_ar for t in marib.tags.all()} == {"مأرب", "مساءلة", "اليمن", "مشروع_ساند"}
        assert set(Tag.objects.filter(meetings=marib).values_list("slug", flat=True)) == {
            "مأرب", "مساءلة", "اليمن", "مشروع_ساند"
        }

    def test_summary_and_minutes_come_from_the_post_and_no_source_link_is_invented(self, marib):
        assert "لبحث سبل تذليل الصعوبات والتحديات" in marib.summary_ar
        for paragraph in ("نظمت منظمة مساءلة لحقوق الانسان", "واشاد حليس وجديع", "يشار إلى أن هذا اللقاء التشاوري"):
            assert paragraph in marib.minutes_ar
        assert "Saferworld" in marib.minutes_en and "Abdrabbuh Halis" in marib.minutes_en
        assert marib.source_url == ""

    def test_marib_meeting_follows_the_thursday_meeting_with_the_media(self, marib):
        thursday = marib.follows
        assert thursday.date == datetime.date(2022, 11, 24)
        assert thursday.date.strftime("%A") == "Thursday"
        assert thursday.governorate.slug == "marib" and thursday.is_published
        assert {g.slug for g in thursday.stakeholder_groups.all()} == {"security-agencies", "media"}
        assert list(thursday.followed_by.all()) == [marib]

    def test_the_thursday_meeting_agreed_a_coordination_mechanism(self, marib):
        mechanism = marib.follows.recommendations.get()
        assert mechanism.kind == Recommendation.Kind.MECHANISM
        assert "آلية تنسيقية لتسهيل العمل وتعزيز التعاون بين الطرفين لتسهيل عمل الصحفيين والاعلاميين" in mechanism.text_ar
        assert mechanism.text_en.startswith("A coordination mechanism")
        assert mechanism.status == Recommendation.Status.ACCEPTED
        assert mechanism.latest_update().date == datetime.date(2022, 11, 24)

    def test_the_marib_record_is_translated_into_english(self, marib):
        for field in ("title", "summary", "minutes"):
            english, arabic = getattr(marib, f"{field}_en"), getattr(marib, f"{field}_ar")
            assert english and english != arabic
        with translation.override("en"):
            assert Meeting.objects.get(pk=marib.pk).title == (
                "Expanded consultative meeting between the security agencies, civil-society organisations and "
                "human-rights defenders in Marib"
            )

    def test_every_arabic_value_in_the_demo_has_an_english_translation(self, facts):
        missing = []
        for model in translator.get_registered_models():
            for field in translator.get_options_for_model(model).fields:
                for pk, arabic, english in model.objects.values_list("pk", f"{field}_ar", f"{field}_en"):
                    if arabic and not english:
                        missing.append(f"{model.__name__}.{field} #{pk}")
        assert missing == []


# --- The invented meetings ---------------------------------------------------------------


class TestTheInventedMeetings:
    """What the rest of the portal needs to show: protection, statuses, timelines."""

    def test_protected_defenders_take_part_but_are_never_published(self, facts):
        protected = Person.objects.filter(visibility=Person.Visibility.PROTECTED)
        assert protected.count() >= 5
        in_published = protected.filter(participations__meeting__status=Meeting.Status.PUBLISHED).distinct()
        assert in_published.count() >= 3
        assert not Person.objects.published().filter(pk__in=protected).exists()
        names = [name for person in protected for name in (person.name_ar, person.name_en)]
        for participation in Participation.objects.published().select_related("person", "position", "organization"):
            shown = f"{participation.public_name or ''} {participation.public_label()}"
            assert not any(name in shown for name in names), shown

    def test_only_the_sample_officials_are_public(self, facts):
        assert set(Person.objects.public().values_list("name_ar", flat=True)) == {"عبدربه حليس", "عبدربه جديع"}

    def test_draft_review_and_archived_meetings_are_kept_off_the_public_site(self, facts):
        statuses = set(Meeting.objects.values_list("status", flat=True))
        assert statuses == {"published", "draft", "review", "archived"}
        hidden = Meeting.objects.exclude(status=Meeting.Status.PUBLISHED)
        assert not Meeting.objects.published().filter(pk__in=hidden).exists()
        assert not Recommendation.objects.published().filter(meeting__in=hidden).exists()

    def test_the_invented_meetings_spread_over_other_governorates_and_kinds(self, facts):
        elsewhere = Meeting.objects.exclude(governorate__slug="marib")
        assert 5 <= elsewhere.count() <= 7
        assert elsewhere.values("governorate").distinct().count() >= 5
        assert {"workshop", "dialogue", "hearing"} <= set(elsewhere.values_list("kind", flat=True))
        assert all(m.minutes_ar == "" or "بيانات العرض" in m.minutes_ar for m in elsewhere)

    def test_recommendations_have_varied_statuses_explained_by_their_timelines(self, facts):
        statuses = set(Recommendation.objects.values_list("status", flat=True))
        assert len(statuses) >= 5
        followed = Recommendation.objects.filter(updates__isnull=False).distinct()
        assert followed.count() >= 8
        for recommendation in followed:
            latest = recommendation.latest_update()
            assert (recommendation.status, recommendation.progress) == (latest.status, latest.progress)
            for update in recommendation.updates.all():
                assert update.date and update.note_ar and update.note_en
        assert RecommendationUpdate.objects.filter(meeting__isnull=False).exists()  # one discussed at a follow-up


# --- Idempotence ---------------------------------------------------------------------------


def snapshot():
    """Every row of every table of the app, in full."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("meetings").get_models(include_auto_created=True)
    }


def demo_tables(counts):
    """The loader's models and their many-to-many tables."""
    models = [apps.get_model(label) for label in counts]
    return {model._meta.label for model in models} | {
        field.remote_field.through._meta.label for model in models for field in model._meta.many_to_many
    }


def test_a_second_run_writes_nothing(demo):
    first = snapshot()
    again = load_demo()
    assert snapshot() == first
    assert {label: (c["created"], c["updated"], c["deleted"]) for label, c in again.items()} == {
        label: (0, 0, 0) for label in demo
    }
    assert {label: c["unchanged"] for label, c in again.items()} == {
        label: c["created"] for label, c in demo.items()
    }


def test_the_active_language_does_not_change_what_is_stored(db):
    with translation.override("en"):
        load_demo()
    first = snapshot()
    assert all(c["created"] == c["updated"] == 0 for c in load_demo().values())
    assert snapshot() == first


def test_running_again_repairs_edited_demo_records(demo):
    marib = Meeting.objects.get(title_ar=MARIB_TITLE)
    first = snapshot()
    Meeting.objects.filter(pk=marib.pk).update(title_en="Edited", status=Meeting.Status.DRAFT, published_at=None)
    marib.tags.add(Tag.objects.create(name_ar="وسم_دخيل"))
    marib.participations.last().delete()
    mechanism = marib.follows.recommendations.get()
    mechanism.set_status(Recommendation.Status.IMPLEMENTED, on=datetime.date(2023, 1, 1))

    counts = load_demo()

    marib.refresh_from_db()
    assert marib.title_en.startswith("Expanded consultative meeting") and marib.is_published
    assert "وسم_دخيل" not in {t.name_ar for t in marib.tags.all()}
    assert marib.participations.count() == 2
    mechanism.refresh_from_db()
    assert mechanism.status == Recommendation.Status.ACCEPTED and mechanism.updates.count() == 1
    assert counts["meetings.Participation"]["created"] == 1
    assert counts["meetings.RecommendationUpdate"]["deleted"] == 1
    # Every demo table has its rows back; only the stray tag itself is left (unlinked).
    # (Other tables, such as a change history, may rightly record the repair.)
    rows = {label: len(values) for label, values in snapshot().items() if label in demo_tables(counts)}
    assert rows == {
        label: len(values) + (label == "meetings.Tag") for label, values in first.items() if label in demo_tables(counts)
    }


def test_the_command_loads_once_and_then_reports_nothing_to_do(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue()
    assert {int(n) for n in re.findall(r"(\d+) created", out.getvalue())} != {0}
    first = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo data already up to date." in out.getvalue()
    assert {int(n) for n in re.findall(r"(\d+) (?:created|updated)", out.getvalue())} == {0}
    assert snapshot() == first
