"""Published meetings as Open Civic Data events (OCDEP 4, https://open-civic-data.readthedocs.io).

Mapping (docs/api.md): ``name`` is the Arabic title (English in ``extras.name_en``);
``classification`` the meeting's kind; ``start_date``/``end_date`` ISO 8601 with the site's
time zone (a date alone, ``all_day: true``, when the times are unknown); ``location`` the
venue, city and governorate; ``participants`` the public organisations in their roles and
the public people (protected people never, not even by post); ``agenda`` the meeting's
recommendations (one item each, addressees as related entities); ``documents`` its public
files; ``sources`` its page and API address. Ids: ``ocd-event/<uuid5 of the meeting id>``.
"""

import datetime
import uuid

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fields import page_links

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://sanad/meetings/")


def ocd_event_id(meeting):
    return f"ocd-event/{uuid.uuid5(NAMESPACE, str(meeting.pk))}"


def _moment(day, time):
    if time is None:
        return day.isoformat()
    moment = datetime.datetime.combine(day, time)
    return timezone.make_aware(moment, timezone.get_default_timezone()).isoformat()


class OcdLocationSchema(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()
    coordinates = serializers.JSONField(allow_null=True)


class OcdParticipantSchema(serializers.Serializer):
    name = serializers.CharField()
    entity_type = serializers.ChoiceField(["organization", "person"])
    entity_id = serializers.CharField()
    note = serializers.CharField()


class OcdRelatedSchema(serializers.Serializer):
    name = serializers.CharField()
    entity_type = serializers.CharField()
    entity_id = serializers.CharField()
    note = serializers.CharField()


class OcdAgendaItemSchema(serializers.Serializer):
    description = serializers.CharField()
    order = serializers.CharField()
    classification = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    related_entities = OcdRelatedSchema(many=True)


class OcdDocumentSchema(serializers.Serializer):
    note = serializers.CharField()
    url = serializers.URLField()
    media_type = serializers.CharField()


class OcdLinkSchema(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


class OcdEventSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="title_ar")
    description = serializers.CharField(source="summary_ar")
    classification = serializers.CharField(source="kind")
    start_date = serializers.SerializerMethodField()
    end_date = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()
    all_day = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    media = serializers.ListField(child=serializers.JSONField(), default=list, read_only=True)
    links = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField()

    def get_id(self, meeting) -> str:
        return ocd_event_id(meeting)

    def get_start_date(self, meeting) -> str:
        return _moment(meeting.date, meeting.start_time)

    def get_end_date(self, meeting) -> str | None:
        return _moment(meeting.date, meeting.end_time) if meeting.end_time else None

    def get_timezone(self, meeting) -> str:
        return settings.TIME_ZONE

    def get_all_day(self, meeting) -> bool:
        return meeting.start_time is None

    def get_status(self, meeting) -> str:
        return "passed" if meeting.date < timezone.localdate() else "confirmed"

    @extend_schema_field(OcdLocationSchema())
    def get_location(self, meeting):
        parts = [meeting.venue_ar, meeting.city_ar, meeting.governorate.name_ar if meeting.governorate else ""]
        return {"name": "، ".join(part for part in parts if part), "note": meeting.governorate.code
                if meeting.governorate else "", "coordinates": None}

    @extend_schema_field(OcdParticipantSchema(many=True))
    def get_participants(self, meeting):
        entities = [
            {"name": each.organization.name_ar, "entity_type": "organization",
             "entity_id": f"organization/{each.organization_id}", "note": each.role}
            for each in meeting.involvements.all() if each.organization.is_public
        ]
        entities += [
            {"name": each.person.name_ar, "entity_type": "person", "entity_id": f"person/{each.person_id}",
             "note": each.role}
            for each in meeting.participations.all() if each.person_id and each.person.is_public
        ]
        return entities

    @extend_schema_field(OcdAgendaItemSchema(many=True))
    def get_agenda(self, meeting):
        return [
            {
                "description": recommendation.text_ar,
                "order": str(recommendation.order),
                "classification": [recommendation.kind],
                "subjects": [recommendation.theme.name_ar] if recommendation.theme_id else [],
                "notes": [recommendation.text_en] if recommendation.text_en else [],
                "related_entities": [
                    {"name": organization.name_ar, "entity_type": "organization",
                     "entity_id": f"organization/{organization.pk}", "note": "addressee"}
                    for organization in recommendation.addressees.all() if organization.is_public
                ],
            }
            for recommendation in meeting.recommendations.all()
        ]

    @extend_schema_field(OcdDocumentSchema(many=True))
    def get_documents(self, meeting):
        request = self.context["request"]
        return [{"note": each.title, "url": request.build_absolute_uri(each.get_absolute_url()),
                 "media_type": each.content_type} for each in meeting.public_attachment_list]

    @extend_schema_field(OcdLinkSchema(many=True))
    def get_links(self, meeting):
        return [{"url": meeting.source_url, "note": "source"}] if meeting.source_url else []

    @extend_schema_field(OcdLinkSchema(many=True))
    def get_sources(self, meeting):
        from django.urls import reverse

        request = self.context["request"]
        pages = page_links(request, "meetings:meeting_detail", pk=meeting.pk)
        api = request.build_absolute_uri(reverse("api:meeting-detail", kwargs={"pk": meeting.pk}))
        return [{"url": pages["ar"], "note": "ar"}, {"url": pages["en"], "note": "en"}, {"url": api, "note": "api"}]

    def get_extras(self, meeting) -> dict[str, str]:
        extras = {"sanad_id": str(meeting.pk)}
        for field in ("title", "summary"):
            if getattr(meeting, f"{field}_en"):
                extras[f"{'name' if field == 'title' else 'description'}_en"] = getattr(meeting, f"{field}_en")
        return extras
