"""Whole admin phrases for each model, so that Arabic can say them grammatically.

Django builds its admin phrases by inserting a model's name into a sentence («أضف %s آخر»),
which Arabic cannot do: the name must lose its article, the adjective agree in gender
(«جهة أخرى», «لقاءً آخر») and a count take one of six forms («عضويتان»). Each model of
the domain therefore gets its phrases whole; a model not listed here (Django's users and
groups, a model added later) falls back to Django's sentence, whose Arabic the project's
catalogue rewrites in a form that suits any noun (see ``DJANGO_OVERRIDES``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class ModelPhrases:
    add: str  # the add button and the add page's title
    add_another: str  # an inline's "add a row" link
    select_to_change: str  # the list page's title
    count: object  # ngettext_lazy with a %(count)s placeholder

    def counted(self, number):
        return self.count % {"count": number}


PHRASES = {
    "meetings.attachment": ModelPhrases(
        _("Add attachment"), _("Add another attachment"), _("Select attachment to change"),
        ngettext_lazy("%(count)s attachment", "%(count)s attachments", "count"),
    ),
    "meetings.governorate": ModelPhrases(
        _("Add governorate"), _("Add another governorate"), _("Select governorate to change"),
        ngettext_lazy("%(count)s governorate", "%(count)s governorates", "count"),
    ),
    "meetings.meeting": ModelPhrases(
        _("Add meeting"), _("Add another meeting"), _("Select meeting to change"),
        ngettext_lazy("%(count)s meeting", "%(count)s meetings", "count"),
    ),
    "meetings.meetingevent": ModelPhrases(
        _("Add review event"), _("Add another review event"), _("Select review event to change"),
        ngettext_lazy("%(count)s review event", "%(count)s review events", "count"),
    ),
    "meetings.meetingorganization": ModelPhrases(
        _("Add organisation involved"), _("Add another organisation involved"),
        _("Select organisation involved to change"),
        ngettext_lazy("%(count)s organisation involved", "%(count)s organisations involved", "count"),
    ),
    "meetings.membership": ModelPhrases(
        _("Add membership"), _("Add another membership"), _("Select membership to change"),
        ngettext_lazy("%(count)s membership", "%(count)s memberships", "count"),
    ),
    "meetings.organization": ModelPhrases(
        _("Add organisation"), _("Add another organisation"), _("Select organisation to change"),
        ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count"),
    ),
    "meetings.participation": ModelPhrases(
        _("Add participation"), _("Add another participation"), _("Select participation to change"),
        ngettext_lazy("%(count)s participation", "%(count)s participations", "count"),
    ),
    "meetings.person": ModelPhrases(
        _("Add person"), _("Add another person"), _("Select person to change"),
        ngettext_lazy("%(count)s person", "%(count)s people", "count"),
    ),
    "meetings.position": ModelPhrases(
        _("Add post"), _("Add another post"), _("Select post to change"),
        ngettext_lazy("%(count)s post", "%(count)s posts", "count"),
    ),
    "meetings.project": ModelPhrases(
        _("Add project"), _("Add another project"), _("Select project to change"),
        ngettext_lazy("%(count)s project", "%(count)s projects", "count"),
    ),
    "meetings.recommendation": ModelPhrases(
        _("Add recommendation"), _("Add another recommendation"), _("Select recommendation to change"),
        ngettext_lazy("%(count)s recommendation", "%(count)s recommendations", "count"),
    ),
    "meetings.recommendationupdate": ModelPhrases(
        _("Add recommendation update"), _("Add another recommendation update"),
        _("Select recommendation update to change"),
        ngettext_lazy("%(count)s recommendation update", "%(count)s recommendation updates", "count"),
    ),
    "meetings.searchhold": ModelPhrases(
        _("Add meeting left out of the search"), _("Add another meeting left out of the search"),
        _("Select meeting left out of the search to change"),
        ngettext_lazy("%(count)s meeting left out of the search", "%(count)s meetings left out of the search", "count"),
    ),
    "meetings.searchrefill": ModelPhrases(
        _("Add search refill"), _("Add another search refill"), _("Select search refill to change"),
        ngettext_lazy("%(count)s search refill waiting", "%(count)s search refills waiting", "count"),
    ),
    "meetings.searchterm": ModelPhrases(
        _("Add search word"), _("Add another search word"), _("Select search word to change"),
        ngettext_lazy("%(count)s search word", "%(count)s search words", "count"),
    ),
    "meetings.stakeholdergroup": ModelPhrases(
        _("Add stakeholder group"), _("Add another stakeholder group"), _("Select stakeholder group to change"),
        ngettext_lazy("%(count)s stakeholder group", "%(count)s stakeholder groups", "count"),
    ),
    "meetings.tag": ModelPhrases(
        _("Add tag"), _("Add another tag"), _("Select tag to change"),
        ngettext_lazy("%(count)s tag", "%(count)s tags", "count"),
    ),
    "meetings.theme": ModelPhrases(
        _("Add theme"), _("Add another theme"), _("Select theme to change"),
        ngettext_lazy("%(count)s theme", "%(count)s themes", "count"),
    ),
    "meetings.securityevent": ModelPhrases(
        _("Add security event"), _("Add another security event"), _("Select security event to view"),
        ngettext_lazy("%(count)s security event", "%(count)s security events", "count"),
    ),
    "meetings.protectednameacceptance": ModelPhrases(
        _("Add accepted mention"), _("Add another accepted mention"), _("Select accepted mention to view"),
        ngettext_lazy("%(count)s accepted mention", "%(count)s accepted mentions", "count"),
    ),
    "meetings.tally": ModelPhrases(
        _("Add summary count"), _("Add another summary count"), _("Select summary count to view"),
        ngettext_lazy("%(count)s summary count", "%(count)s summary counts", "count"),
    ),
    "notifications.subscription": ModelPhrases(
        _("Add subscription"), _("Add another subscription"), _("Select subscription to view"),
        ngettext_lazy("%(count)s subscription", "%(count)s subscriptions", "count"),
    ),
    "meetings.monthlytally": ModelPhrases(
        _("Add statistics figure"), _("Add another statistics figure"), _("Select statistics figure to view"),
        ngettext_lazy("%(count)s statistics figure", "%(count)s statistics figures", "count"),
    ),
    "auth.user": ModelPhrases(
        _("Add user"), _("Add another user"), _("Select user to change"),
        ngettext_lazy("%(count)s user", "%(count)s users", "count"),
    ),
    "auth.group": ModelPhrases(
        _("Add group"), _("Add another group"), _("Select group to change"),
        ngettext_lazy("%(count)s group", "%(count)s groups", "count"),
    ),
}


def phrases_for(opts):
    """The phrases of a model (its ``_meta``), or None when it has none of its own."""
    return PHRASES.get(opts.label_lower)


# Django's own sentences whose Arabic the project's catalogue (locale/ar) replaces by a form
# that reads right whatever noun is inserted («تعديل العنصر المختار: الجهة»). Listed here so
# that makemessages finds them in our sources and keeps them in the catalogue.
DJANGO_OVERRIDES = [
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
]
