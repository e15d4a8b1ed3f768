"""What the API says about each kind of record, in both languages side by side.

Every record reaches these serializers from a ``published()`` QuerySet (api/views.py);
the related records they show are checked again here: an organisation only if it is
public (``Organization.is_public``), a person named only if marked public, a related
meeting only if published. Nothing is fetched here: the views load everything first
(a fixed number of queries per page).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.models import (
    Attachment,
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Recommendation,
)

from .fields import ApiLinkField, ChoiceLabelField, LocalTimeField, PageLinksField, TranslatedField


def public_organization(organization):
    return organization if organization is not None and organization.is_public else None


def published_meeting(meeting):
    return meeting if meeting is not None and meeting.is_published else None


# --- References: a related record in a few fields, with its address --------------------


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:organization-detail")
    slug = serializers.CharField()
    name = TranslatedField()
    acronym = TranslatedField()


class GovernorateRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:governorate-detail")
    slug = serializers.CharField()
    code = serializers.CharField()
    name = TranslatedField()


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:project-detail")
    slug = serializers.CharField()
    name = TranslatedField()


class ThemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:theme-detail")
    slug = serializers.CharField()
    name = TranslatedField()


class TagRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:tag-detail")
    slug = serializers.CharField()
    name = TranslatedField()


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:meeting-detail")
    title = TranslatedField()
    date = serializers.DateField()


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:person-detail")
    name = TranslatedField()


class StakeholderGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = TranslatedField()


class OrganizationsField(serializers.Field):
    """A list of organisations: the public ones only."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, organizations):
        shown = [each for each in (organizations.all() if hasattr(organizations, "all") else organizations)
                 if each.is_public]
        return OrganizationRefSerializer(shown, many=True, context=self.context).data


extend_schema_field(OrganizationRefSerializer(many=True))(OrganizationsField)


class PublicOrganizationField(serializers.Field):
    """One organisation, or null when it is not public."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return public_organization(super().get_attribute(instance))

    def to_representation(self, organization):
        return OrganizationRefSerializer(organization, context=self.context).data


extend_schema_field(OrganizationRefSerializer(allow_null=True))(PublicOrganizationField)


# --- Places, themes, tags, projects -------------------------------------------------------


class GovernorateSerializer(GovernorateRefSerializer):
    html_url = PageLinksField("meetings:governorate_detail", lookup="slug")
    published_meeting_count = serializers.IntegerField()


class ThemeSerializer(ThemeRefSerializer):
    recommendations_url = serializers.SerializerMethodField()

    def get_recommendations_url(self, theme) -> str:
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(f"{reverse('api:recommendation-list')}?theme={theme.slug}")


class TagSerializer(TagRefSerializer):
    html_url = PageLinksField("meetings:tag_detail", lookup="slug")


class ProjectSerializer(ProjectRefSerializer):
    html_url = PageLinksField("meetings:project_detail", lookup="slug")
    description = TranslatedField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    website = serializers.CharField()
    implementers = OrganizationsField()
    donors = OrganizationsField()
    published_meeting_count = serializers.IntegerField()


# --- Organisations and people -------------------------------------------------------------


class OrganizationSerializer(OrganizationRefSerializer):
    html_url = PageLinksField("meetings:organization_detail", lookup="slug")
    kind = serializers.ChoiceField(Organization.Kind.choices)
    kind_label = ChoiceLabelField(Organization.Kind, "kind")
    governorate = GovernorateRefSerializer(allow_null=True)
    parent = PublicOrganizationField()
    website = serializers.CharField()
    description = TranslatedField()
    published_meeting_count = serializers.IntegerField()
    published_recommendation_count = serializers.IntegerField()


class PostSerializer(serializers.Serializer):
    """A post a public person held at a published meeting."""

    id = serializers.IntegerField()
    title = TranslatedField()
    organization = PublicOrganizationField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class PersonSerializer(PersonRefSerializer):
    posts = PostSerializer(many=True, source="public_posts")


# --- Meetings -----------------------------------------------------------------------------


class MeetingSerializer(MeetingRefSerializer):
    """A meeting in a list."""

    html_url = PageLinksField("meetings:meeting_detail")
    kind = serializers.ChoiceField(Meeting.Kind.choices)
    kind_label = ChoiceLabelField(Meeting.Kind, "kind")
    start_time = LocalTimeField()
    end_time = LocalTimeField()
    governorate = GovernorateRefSerializer(allow_null=True)
    city = TranslatedField()
    venue = TranslatedField()
    project = ProjectRefSerializer(allow_null=True)
    summary = TranslatedField()
    organisers = serializers.SerializerMethodField()
    recommendation_count = serializers.IntegerField()
    published_at = serializers.DateTimeField()

    @extend_schema_field(OrganizationRefSerializer(many=True))
    def get_organisers(self, meeting):
        involvements = getattr(meeting, "organiser_involvements", None)
        if involvements is None:
            involvements = [each for each in meeting.involvements.all()
                            if each.role in (MeetingOrganization.Role.ORGANISER, MeetingOrganization.Role.CO_ORGANISER)]
        shown = [each.organization for each in involvements if each.organization.is_public]
        return OrganizationRefSerializer(shown, many=True, context=self.context).data


class InvolvementSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    role = serializers.ChoiceField(MeetingOrganization.Role.choices)
    role_label = ChoiceLabelField(MeetingOrganization.Role, "role")


class ParticipantPostSerializer(serializers.Serializer):
    title = TranslatedField()
    organization = PublicOrganizationField()


class ParticipantSerializer(serializers.Serializer):
    """Who took part: named only if the person is public; otherwise their post or organisation."""

    role = serializers.ChoiceField(Participation.Role.choices)
    role_label = ChoiceLabelField(Participation.Role, "role")
    person = serializers.SerializerMethodField()
    post = ParticipantPostSerializer(source="position", allow_null=True)
    organization = PublicOrganizationField()
    statement = TranslatedField()

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_person(self, participation):
        if participation.person_id and participation.person.is_public:
            return PersonRefSerializer(participation.person, context=self.context).data
        return None


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.ChoiceField(Attachment.Kind.choices)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.get_absolute_url())


class RecommendationInMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:recommendation-detail")
    order = serializers.IntegerField()
    text = TranslatedField()
    status = serializers.ChoiceField(Recommendation.Status.choices)
    progress = serializers.IntegerField()


class MeetingDetailSerializer(MeetingSerializer):
    minutes = TranslatedField()
    organizations = serializers.SerializerMethodField()
    stakeholder_groups = StakeholderGroupSerializer(many=True)
    participants = ParticipantSerializer(many=True, source="participations.all")
    recommendations = RecommendationInMeetingSerializer(many=True, source="recommendations.all")
    tags = TagRefSerializer(many=True, source="tags.all")
    follows = serializers.SerializerMethodField()
    followed_by = MeetingRefSerializer(many=True, source="published_followers")
    attendance_total = serializers.IntegerField(allow_null=True)
    attendance_women = serializers.IntegerField(allow_null=True)
    attendance_men = serializers.IntegerField(allow_null=True)
    source_url = serializers.CharField()
    attachments = AttachmentSerializer(many=True, source="public_attachment_list")

    @extend_schema_field(InvolvementSerializer(many=True))
    def get_organizations(self, meeting):
        shown = [each for each in meeting.involvements.all() if each.organization.is_public]
        return InvolvementSerializer(shown, many=True, context=self.context).data

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_follows(self, meeting):
        follows = published_meeting(meeting.follows)
        return MeetingRefSerializer(follows, context=self.context).data if follows else None


# --- Recommendations ----------------------------------------------------------------------


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = ApiLinkField("api:recommendation-detail")
    html_url = PageLinksField("meetings:recommendation_detail")
    meeting = MeetingRefSerializer()
    order = serializers.IntegerField()
    text = TranslatedField()
    kind = serializers.ChoiceField(Recommendation.Kind.choices)
    kind_label = ChoiceLabelField(Recommendation.Kind, "kind")
    theme = ThemeRefSerializer(allow_null=True)
    addressees = OrganizationsField()
    priority = serializers.ChoiceField(Recommendation.Priority.choices)
    priority_label = ChoiceLabelField(Recommendation.Priority, "priority")
    status = serializers.ChoiceField(Recommendation.Status.choices)
    status_label = ChoiceLabelField(Recommendation.Status, "status")
    progress = serializers.IntegerField(min_value=0, max_value=100)
    due_date = serializers.DateField(allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    """One approved entry of the follow-up timeline."""

    date = serializers.DateField()
    status = serializers.ChoiceField(Recommendation.Status.choices)
    status_label = ChoiceLabelField(Recommendation.Status, "status")
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = TranslatedField()
    evidence_url = serializers.CharField()
    meeting = serializers.SerializerMethodField()

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_meeting(self, update):
        meeting = published_meeting(update.meeting)
        return MeetingRefSerializer(meeting, context=self.context).data if meeting else None


class RecommendationDetailSerializer(RecommendationSerializer):
    timeline = FollowUpSerializer(many=True)
