"""What the meeting form's searchable pickers offer (static/js/picker.js).

The pickers look only in what the user may choose — the same ``usable_by`` querysets
the form validates against — so a suggestion is never something the form would refuse,
and another organisation's protected people, or an organisation known only from another
organisation's drafts, are never suggested. Names are compared as search compares words
(``normalization.normalize``: hamza, ة/ه, ى/ي, diacritics do not matter). Each look-up is
a fixed number of queries and returns at most ``PICKER_LIMIT`` suggestions.
"""

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When

from .lookup import MAX_LOOKUP_LENGTH, MIN_LOOKUP_LENGTH, clean_text, collapsed
from .models import Organization, Person, Position
from .models.workspace import organizations_of
from search.normalization import normalize

PICKER_LIMIT = 15


def _text(text):
    text = clean_text(text)
    if not text:
        return None
    text = text[:MAX_LOOKUP_LENGTH].strip()
    return text if len(text) >= MIN_LOOKUP_LENGTH else None


def _matching(fields, text):
    """Names containing ``text`` as typed, or its normalised words in the search columns."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    folded = normalize(text)
    if len(folded) >= MIN_LOOKUP_LENGTH:
        condition |= Q(search_title_ar__icontains=folded) | Q(search_title_en__icontains=folded)
    return condition


def _priority(fields, text):
    exact = Q()
    starts = Q()
    for field in fields:
        exact |= Q(**{f"{field}__iexact": text})
        starts |= Q(**{f"{field}__istartswith": text})
    return Case(When(exact, then=Value(0)), When(starts, then=Value(1)), default=Value(2), output_field=IntegerField())


def organizations_named(user, text):
    """The usable organisations whose name or acronym is ``text`` (case and spacing aside): one query."""
    text = collapsed(text)
    if not text:
        return []
    condition = Q()
    for field in ("name_ar", "name_en", "acronym_ar", "acronym_en"):
        condition |= Q(**{f"{field}__iexact": text})
    return list(Organization.objects.usable_by(user).filter(condition)[:2])


def organization_options(user, text, *, limit=PICKER_LIMIT):
    """``[{"id", "label", "detail"}]``: usable organisations for ``text``, best first (one query)."""
    text = _text(text)
    if text is None:
        return []
    fields = ("name_ar", "name_en", "acronym_ar", "acronym_en")
    found = (
        Organization.objects.usable_by(user)
        .filter(_matching(fields, text))
        .select_related("governorate")
        .annotate(picker_priority=_priority(fields, text))
        .order_by("picker_priority", "name", "pk")[:limit]
    )
    results = []
    for organization in found:
        detail = [part for part in (collapsed(organization.acronym), str(organization.governorate or "")) if part]
        if organization.is_pending:
            detail.append(str(_pending_label()))
        results.append({"id": organization.pk, "label": collapsed(organization.name), "detail": " · ".join(detail)})
    return results


def person_options(user, text, *, limit=PICKER_LIMIT):
    """``[{"person", "position", "label", "detail"}]``: each usable person matching ``text``
    with each of their posts (and once without a post), best first. Two queries."""
    text = _text(text)
    if text is None:
        return []
    fields = ("name_ar", "name_en")
    mine = organizations_of(user) if getattr(user, "is_authenticated", False) else []
    posts = Prefetch(
        "positions",
        queryset=Position.objects.usable_by(user, organizations=mine)
        .select_related("organization")
        .order_by("-start_date", "pk"),
    )
    people = (
        Person.objects.usable_by(user, organizations=mine)
        .filter(_matching(fields, text))
        .annotate(picker_priority=_priority(fields, text))
        .order_by("picker_priority", "name", "pk")
        .prefetch_related(posts)[:limit]
    )
    results = []
    for person in people:
        name = collapsed(person.name)
        visibility = str(person.get_visibility_display())
        for position in person.positions.all():
            results.append({"person": person.pk, "position": position.pk, "label": name, "detail": f"{position} · {visibility}"})
        results.append({"person": person.pk, "position": None, "label": name, "detail": visibility})
        if len(results) >= limit:
            break
    return results[:limit]


def _pending_label():
    from django.utils.translation import gettext_lazy as _

    return _("awaiting confirmation")
