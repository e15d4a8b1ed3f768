"""Who may import into an organisation's workspace: its members whose role lets them enter
meetings (editors, reviewers, administrators), and superusers. Authority is checked against
the organisation the imported meetings will belong to, never "a role somewhere"."""

from meetings.models import Organization
from meetings.models.workspace import RANK, Membership, is_site_administrator


def importing_organizations(user):
    """The organisations ``user`` may import meetings into."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    if is_site_administrator(user):
        return Organization.objects.all()
    roles = list(RANK)
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("organization")
    )


def may_import(user, organization):
    return organization is not None and importing_organizations(user).filter(pk=organization.pk).exists()
