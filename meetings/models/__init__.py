"""Sanad's domain: meetings, the people and organisations in them, and what they recommended."""

from .meetings import Meeting, MeetingOrganization, Participation, Tag
from .organizations import Organization, StakeholderGroup
from .people import Person, Position
from .places import Governorate
from .projects import Project
from .recommendations import Recommendation, RecommendationUpdate, Theme

__all__ = [
    "Governorate",
    "Meeting",
    "MeetingOrganization",
    "Organization",
    "Participation",
    "Person",
    "Position",
    "Project",
    "Recommendation",
    "RecommendationUpdate",
    "StakeholderGroup",
    "Tag",
    "Theme",
]
