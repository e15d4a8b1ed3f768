"""Finding the organisations, people and governorates an import names, in a fixed number of
queries whatever the number of rows: each table the user may choose from is read once
(only the columns that names are compared on), and names are compared after the search
normalisation (meetings/normalization.py), as the meeting form's suggestions are
(meetings/similarity.py)."""

from django.db.models import Q
from django.utils.text import slugify

from meetings.models import Governorate, Organization, Person, Position
from meetings.models.base import SLUG_MAX_LENGTH
from search.normalization import index_terms, normalize
from meetings.similarity import CANDIDATE_LIMIT, MIN_WORD_LENGTH, SUGGESTION_LIMIT, names_are_close

ORGANIZATION_FIELDS = ("pk", "name", "name_ar", "name_en", "acronym", "slug", "is_pending", "is_published")


class Organizations:
    """The organisations ``user`` may name (``Organization.objects.usable_by``), by normalised
    name, English name and short name; names not found become new organisations awaiting a
    reviewer's confirmation (one per distinct normalised name)."""

    def __init__(self, user):
        self.by_name = {}
        self.words = {}  # index term -> organisations whose name holds it (for close names)
        for organization in Organization.objects.usable_by(user).order_by("pk").only(*ORGANIZATION_FIELDS[1:]):
            for value in (organization.name_ar, organization.name_en, organization.acronym):
                key = normalize(value or "")
                if key:
                    self.by_name.setdefault(key, organization)
            for term in index_terms(organization.name_ar or ""):
                if len(term) >= MIN_WORD_LENGTH:
                    self.words.setdefault(term, []).append(organization)
        self.new = {}  # normalised name -> unsaved Organization
        self._close = {}

    def resolve(self, name):
        """``(organization, is_new)`` for a name typed in the file."""
        key = normalize(name)
        if key in self.by_name:
            return self.by_name[key], False
        if key not in self.new:
            self.new[key] = Organization(name_ar=name.strip(), is_pending=True)
        return self.new[key], True

    def close_to(self, name):
        """Existing organisations whose name is close to ``name`` (not equal): shown as a warning,
        a reviewer may merge the new organisation into one of them. Computed once per name."""
        typed = normalize(name)
        if typed not in self._close:
            self._close[typed] = self._close_to(name, typed)
        return self._close[typed]

    def _close_to(self, name, typed):
        candidates, seen = [], set()
        for term in sorted(index_terms(name), key=len, reverse=True):
            for organization in self.words.get(term, ()):
                if organization.pk not in seen:
                    seen.add(organization.pk)
                    candidates.append(organization)
            if len(candidates) >= CANDIDATE_LIMIT:
                break
        close = [o for o in candidates if names_are_close(typed, normalize(o.name_ar or ""))]
        return close[:SUGGESTION_LIMIT]


class People:
    """The people ``user`` may name (``Person.objects.usable_by``: public people and the
    protected people of their own meetings), by normalised name; their posts are read for
    the people matched, in one query, when first needed."""

    def __init__(self, user):
        self.by_name = {}
        for person in Person.objects.usable_by(user).order_by("pk").only("name", "name_ar", "name_en", "visibility"):
            for value in (person.name_ar, person.name_en):
                key = normalize(value or "")
                if key:
                    self.by_name.setdefault(key, person)
        self.new = {}
        self._positions = None
        self.new_positions = {}

    def resolve(self, name, visibility):
        """``(person, is_new)``; a new person is protected unless the file says public."""
        key = normalize(name)
        if key in self.by_name:
            return self.by_name[key], False
        if key not in self.new:
            self.new[key] = Person(name_ar=name.strip(), visibility=visibility or Person.Visibility.PROTECTED)
        elif visibility == Person.Visibility.PROTECTED:
            self.new[key].visibility = Person.Visibility.PROTECTED  # protected once named so anywhere
        return self.new[key], True

    def _existing_positions(self):
        if self._positions is None:
            ids = [person.pk for person in self.by_name.values()]
            self._positions = {}
            rows = Position.objects.filter(person_id__in=ids).order_by("pk") if ids else Position.objects.none()
            for position in rows.only("person_id", "title", "title_ar", "organization_id", "start_date", "end_date"):
                key = (position.person_id, normalize(position.title_ar or ""), position.organization_id)
                self._positions.setdefault(key, position)
        return self._positions

    def position(self, person, title, organization):
        """``(position, is_new)``: the person's post with this title at this organisation."""
        title_key = normalize(title)
        if person.pk is not None and (organization is None or organization.pk is not None):
            found = self._existing_positions().get((person.pk, title_key, organization.pk if organization else None))
            if found is not None:
                return found, False
        key = (id(person), title_key, id(organization) if organization is not None else None)
        if key not in self.new_positions:
            self.new_positions[key] = Position(person=person, title_ar=title.strip(), organization=organization)
        return self.new_positions[key], True


class Governorates:
    def __init__(self):
        self.by_name = {}
        for governorate in Governorate.objects.only("name", "name_ar", "name_en", "slug", "code"):
            for value in (governorate.name_ar, governorate.name_en, governorate.slug, governorate.code):
                if value:
                    self.by_name[normalize(value)] = governorate
                    # «مأرب» or «محافظة مأرب»
                    self.by_name[normalize(f"محافظة {value}")] = governorate

    def get(self, name):
        return self.by_name.get(normalize(name))


def unique_slugs(model, objects, base_of):
    """Give each of ``objects`` (unsaved) a slug no other row uses, as ``unique_slug`` would
    one by one, in a query per 200 slugs that clash."""
    bases = [slugify(base_of(obj) or "", allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or "item" for obj in objects]
    taken = set()
    distinct = sorted(set(bases))
    for start in range(0, len(distinct), 500):
        taken |= set(model._default_manager.filter(slug__in=distinct[start : start + 500]).values_list("slug", flat=True))
    clashing = sorted(_clashing(bases, taken))
    for start in range(0, len(clashing), 200):
        query = Q()
        for base in clashing[start : start + 200]:
            query |= Q(slug__startswith=f"{base[: SLUG_MAX_LENGTH - 8]}-")
        taken |= set(model._default_manager.filter(query).values_list("slug", flat=True))
    used = set()
    for obj, base in zip(objects, bases):
        candidate, suffix = base, 2
        while candidate in taken or candidate in used:
            tail = f"-{suffix}"
            candidate = f"{base[: SLUG_MAX_LENGTH - len(tail)]}{tail}"
            suffix += 1
        used.add(candidate)
        obj.slug = candidate


def _clashing(bases, taken):
    seen, clashing = set(), set()
    for base in bases:
        if base in taken or base in seen:
            clashing.add(base)
        seen.add(base)
    return clashing
