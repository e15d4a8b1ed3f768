"""Sanad's domain: meetings, the people and organisations in them, and what they recommended."""

from .meetings import Meeting, MeetingOrganization, Participation, Tag
from .organizations import Organization, StakeholderGroup
from .people import Person, Position
from .places import Governorate
from .projects import Project
from .protection import ProtectedNameAcceptance
from .recommendations import Recommendation, RecommendationUpdate, Theme
from .searchable import SearchHold, SearchRefill, SearchTerm
from .security import SecurityEvent
from .tallies import MonthlyTally, Tally
from .workflow import TransitionNotAllowed
from .workspace import Attachment, MeetingEvent, Membership

__all__ = [
    "Attachment",
    "Governorate",
    "Meeting",
    "MeetingEvent",
    "MeetingOrganization",
    "Membership",
    "MonthlyTally",
    "Organization",
    "Participation",
    "Person",
    "Position",
    "Project",
    "ProtectedNameAcceptance",
    "Recommendation",
    "RecommendationUpdate",
    "SearchHold",
    "SearchRefill",
    "SearchTerm",
    "SecurityEvent",
    "StakeholderGroup",
    "Tally",
    "Tag",
    "Theme",
    "TransitionNotAllowed",
]
