"""People, organisations, posts and memberships as Popolo JSON (https://www.popoloproject.com/).

Mapping (docs/api.md): a public person → a Popolo *person*; a public organisation → an
*organization*; each post a public person held at a published meeting (Sanad's
``Position``) → a *post* (the office) and a *membership* (that person holding it).
Popolo has one ``name``: it carries the Arabic, and the English goes in ``other_names``
(``note: "en"``). Ids are ``person/12``, ``organization/5``, ``post/7``, ``membership/7``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fields import choice_labels

def other_names(instance, *fields):
    names = []
    for field in fields:
        for language in ("ar", "en"):
            value = getattr(instance, f"{field}_{language}", "") or ""
            if value and not (field == "name" and language == "ar"):
                names.append({"name": value, "note": f"{field} ({language})" if field != "name" else language})
    return names


class NameSchema(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()


class LinkSchema(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


def api_source(context, view_name, pk):
    from django.urls import reverse

    return {"url": context["request"].build_absolute_uri(reverse(view_name, kwargs={"pk": pk})), "note": "Sanad API"}


class PopoloPersonSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="name_ar")
    other_names = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    def get_id(self, person) -> str:
        return f"person/{person.pk}"

    @extend_schema_field(NameSchema(many=True))
    def get_other_names(self, person):
        return other_names(person, "name")

    @extend_schema_field(LinkSchema(many=True))
    def get_sources(self, person):
        return [api_source(self.context, "api:person-detail", person.pk)]


class PopoloOrganizationSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="name_ar")
    other_names = serializers.SerializerMethodField()
    classification = serializers.SerializerMethodField()
    parent_id = serializers.SerializerMethodField()
    area_id = serializers.SerializerMethodField()
    identifiers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    def get_id(self, organization) -> str:
        return f"organization/{organization.pk}"

    @extend_schema_field(NameSchema(many=True))
    def get_other_names(self, organization):
        return other_names(organization, "name", "acronym")

    def get_classification(self, organization) -> str:
        return choice_labels(type(organization).Kind).get(organization.kind, {}).get("en", organization.kind)

    def get_parent_id(self, organization) -> str | None:
        parent = organization.parent
        return f"organization/{parent.pk}" if parent is not None and parent.is_public else None

    def get_area_id(self, organization) -> str | None:
        governorate = organization.governorate
        return f"area/{governorate.code}" if governorate is not None else None

    def get_identifiers(self, organization) -> list[dict[str, str]]:
        return [{"scheme": "sanad-slug", "identifier": organization.slug}]

    @extend_schema_field(LinkSchema(many=True))
    def get_links(self, organization):
        return [{"url": organization.website, "note": "website"}] if organization.website else []

    @extend_schema_field(LinkSchema(many=True))
    def get_sources(self, organization):
        return [api_source(self.context, "api:organization-detail", organization.pk)]


def public_organization_id(position):
    organization = position.organization
    return f"organization/{organization.pk}" if organization is not None and organization.is_public else None


class PopoloPostSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    label = serializers.CharField(source="title_ar")
    other_label = serializers.SerializerMethodField()
    organization_id = serializers.SerializerMethodField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)

    def get_id(self, position) -> str:
        return f"post/{position.pk}"

    def get_other_label(self, position) -> list[str]:
        return [position.title_en] if position.title_en else []

    def get_organization_id(self, position) -> str | None:
        return public_organization_id(position)


class PopoloMembershipSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    person_id = serializers.SerializerMethodField()
    post_id = serializers.SerializerMethodField()
    organization_id = serializers.SerializerMethodField()
    role = serializers.CharField(source="title_ar")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)

    def get_id(self, position) -> str:
        return f"membership/{position.pk}"

    def get_person_id(self, position) -> str:
        return f"person/{position.person_id}"

    def get_post_id(self, position) -> str:
        return f"post/{position.pk}"

    def get_organization_id(self, position) -> str | None:
        return public_organization_id(position)
