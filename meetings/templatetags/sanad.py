"""Template helpers of the public portal: dates (Gregorian and Hijri), status badges,
participants as the public may see them, language links and absolute URLs.

None of these touches the database: each works on objects the view loaded.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override
from django.utils.translation import gettext_lazy as _

from ..absolute_urls import absolute_url
from ..hijri import hijri_text
from ..models import Meeting, MeetingOrganization, Recommendation

register = template.Library()

# The site's name is a proper noun, spelt per language rather than translated.
SITE_NAMES = {"ar": "سند", "en": "Sanad"}


def _language():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@register.simple_tag
def site_name():
    return SITE_NAMES.get(_language(), SITE_NAMES["en"])


# The separator between the names of a list written on one line: in the markup, not added by
# CSS, so that copied text keeps the names apart. Punctuation of each language, not a phrase.
LIST_SEPARATORS = {"ar": "، ", "en": ", "}


@register.simple_tag
def list_separator():
    return format_html('<span class="separator">{}</span>', LIST_SEPARATORS.get(_language(), ", "))


# --- Dates ------------------------------------------------------------------


@register.filter
def gregorian(value):
    """«السبت 26 نوفمبر 2022» / «Saturday 26 November 2022» (day and month names in the page's language)."""
    if not value:
        return ""
    return dateformat.format(value, "l j F Y")


@register.filter
def hijri(value):
    """«2 جمادى الأولى 1444 هـ» / «2 Jumada al-Ula 1444 AH» in the page's language (meetings/hijri.py)."""
    return hijri_text(value, _language())


@register.filter
def full_date(value):
    """Gregorian date, then its Hijri equivalent: «السبت 26 نوفمبر 2022 — 2 جمادى الأولى 1444 هـ»."""
    if not value:
        return ""
    hijri_date = hijri(value)
    return f"{gregorian(value)} — {hijri_date}" if hijri_date else gregorian(value)


# --- Text of either direction ---------------------------------------------------
# A translated field without an English value falls back to Arabic (modeltranslation). On an
# English page that text is marked as Arabic, right to left, so that a browser neither
# reorders it with the English around it nor reads it aloud as English; a small note says so.


def falls_back_to_arabic(obj, field):
    """Whether ``obj.<field>`` shows the Arabic text on a page of another language."""
    language = _language()
    if obj is None or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    fallback = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return not getattr(obj, f"{field}_{language}", None) and bool(getattr(obj, f"{field}_{fallback}", None))


@register.simple_tag
def lang_attrs(obj, field):
    """``lang="ar" dir="rtl"`` for an element holding Arabic fallback text, ``dir="auto"`` otherwise."""
    if falls_back_to_arabic(obj, field):
        return format_html('lang="{}" dir="rtl"', settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    return mark_safe('dir="auto"')


@register.simple_tag
def arabic_only(obj, field):
    """A small note after text shown in Arabic on an English page; nothing otherwise."""
    if falls_back_to_arabic(obj, field):
        return format_html(' <small class="lang-note">{}</small>', gettext("Arabic only"))
    return ""


@register.simple_tag
def bdi(obj, field="name"):
    """A name inserted into a line: isolated (``<bdi>``), and marked as Arabic when it falls back."""
    if falls_back_to_arabic(obj, field):
        return format_html(
            '<bdi lang="{}" dir="rtl" title="{}">{}</bdi>',
            settings.MODELTRANSLATION_DEFAULT_LANGUAGE,
            gettext("Arabic only"),
            getattr(obj, field),
        )
    return format_html("<bdi>{}</bdi>", getattr(obj, field))


# --- Publication and protection -----------------------------------------------


@register.filter
def if_published(meeting):
    """The meeting if the public may see it, otherwise None (for links to related meetings)."""
    if meeting is not None and meeting.status == Meeting.Status.PUBLISHED:
        return meeting
    return None


@register.simple_tag
def participant(participation):
    """A participant as the public may see them.

    The name appears only when the person is public (``Participation.public_name``);
    a protected person is shown by the post they held that day or the organisation
    they represented, never by name.
    """
    name = bdi(participation.person, "name") if participation.public_name else ""
    if participation.position_id:
        position = participation.position
        post = bdi(position, "title")
        if position.organization_id:
            post = format_html("{} — {}", post, bdi(position.organization, "name"))
    elif participation.organization_id:
        post = bdi(participation.organization, "name")
    else:
        post = ""
    if name and post:
        return format_html('<strong>{}</strong> <span class="post">{}</span>', name, post)
    if name:
        return format_html("<strong>{}</strong>", name)
    if post:
        return format_html('<strong class="post">{}</strong>', post)
    return format_html("<strong>{}</strong>", gettext("A participant"))


ROLE_HEADINGS = {
    MeetingOrganization.Role.ORGANISER: _("Organised by"),
    MeetingOrganization.Role.CO_ORGANISER: _("Co-organised by"),
    MeetingOrganization.Role.PARTNER: _("In partnership with"),
    MeetingOrganization.Role.FUNDER: _("Funded by"),
    MeetingOrganization.Role.PARTICIPANT: _("Organisations taking part"),
}


@register.filter
def by_role(involvements):
    """``[(heading, [organisation, ...]), ...]`` in the order of the roles (organisers first)."""
    groups = {}
    for involvement in involvements:
        groups.setdefault(involvement.role, []).append(involvement.organization)
    return [(ROLE_HEADINGS[role], groups[role]) for role in MeetingOrganization.Role if role in groups]


# --- Recommendation status ----------------------------------------------------


@register.filter
def status_class(status):
    """CSS modifier of a status: ``in_progress`` → ``in-progress``."""
    return str(getattr(status, "value", status)).replace("_", "-")


@register.simple_tag
def status_badge(status):
    status = Recommendation.Status(status)
    return format_html('<span class="badge badge--{}">{}</span>', status_class(status), status.label)


@register.filter
def status_segments(summary):
    """Stacked-bar segments (x and width in percent, as text for SVG attributes) of a status summary."""
    total = sum(count for _status, count in summary)
    segments, start = [], 0.0
    for status, count in summary:
        if count:
            width = count * 100 / total
            segments.append(
                {"status": status_class(status), "x": f"{start:.3f}", "width": f"{width:.3f}"}
            )
            start += width
    return segments


@register.simple_tag
def status_links(summary, name=None, value=None):
    """Each status of a summary with its count and a link to the recommendations list filtered by
    that status and, if given, by ``name=value`` (e.g. ``"addressee" organisation.slug``)."""
    base = reverse("meetings:recommendation_list")
    params = {name: value} if name and value else {}
    return [
        {"status": status, "count": count, "url": f"{base}?{urlencode({**params, 'status': status.value})}",
         # Set here too: a key missing from a dict costs the template engine a dir() of it.
         "current": False}
        for status, count in summary
    ]


# --- Languages and absolute links ----------------------------------------------


def _same_page_in(request, code):
    """This page's address in another language, or that language's home page if it has none."""
    if request is not None and getattr(request, "resolver_match", None) is not None:
        here = request.get_full_path()
        translated = translate_url(here, code)
        if translated != here:
            return translated
    with override(code):
        return reverse("meetings:home")


@register.simple_tag(takes_context=True)
def other_languages(context):
    """Links to the same record in the other languages, for the language switcher."""
    request = context.get("request")
    current = _language()
    return [
        {"code": code, "name": get_language_info(code)["name_local"], "url": _same_page_in(request, code)}
        for code, _name in settings.LANGUAGES
        if code != current
    ]


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """``<link rel=alternate hreflang>`` targets: this page in every language, as absolute URLs."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return []
    current = _language()
    return [
        {
            "code": code,
            "url": absolute_url(request.get_full_path() if code == current else _same_page_in(request, code), request),
            "default": code == settings.LANGUAGE_CODE,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def absolute_uri(context, path=None):
    request = context["request"]
    return absolute_url(path or request.get_full_path(), request)


@register.simple_tag
def og_locale(code=None):
    """OpenGraph locale of a language code (``ar`` → ``ar_AR``)."""
    return {"ar": "ar_AR", "en": "en_GB"}.get(code or _language(), "ar_AR")


@register.filter
def row_legend(formset, number):
    """A formset row's name: «التوصية 3», "Participant 2" (``RowsFormSet.row_title``)."""
    return formset.row_legend(number)
