"""What full-text search finds a record by: normalised index terms stored on the record.

Each searchable model (meetings, recommendations, organisations, people) carries,
per language, two plain text columns of space-separated terms:

* ``search_title_<language>`` — the words that name the record: a meeting's title,
  a recommendation's text, an organisation's name and acronym, a person's name;
* ``search_body_<language>`` — the rest of what its public page shows: a meeting's
  summary, place, governorate, tags, minutes, what the participants said and the
  names of its *public* participants; a recommendation's theme; an organisation's
  description.

The terms are ``normalization.index_terms`` of the text (every stem of every word), so
a record matches a query exactly as ``normalization.matches`` says, plus each word's
*exact form* where it differs from its normalised form (see :func:`exact_terms`) — an
extra that cannot change which records match, only rank records that spell a word as
the query does above those that do not. The database engines (search/engine.py and
search/schema.py) index these columns: PostgreSQL in a weighted ``tsvector``
column generated from them, SQLite in FTS5 tables kept in sync by triggers.

The English columns hold the English text of each field, or the Arabic when a field has
no English (what the English pages show, through modeltranslation's fallback).

What must never be in these columns: the name of a protected person (a person's own
columns stay empty unless the person is public, and a meeting's columns hold only its
public participants' names), and nothing a public page would not show.

Keeping the columns in sync
    * ``save()`` of a searchable model fills them (unless ``update_fields`` names none
      of the fields the document is made of);
    * the QuerySets' ``update()``, ``bulk_create()`` and ``bulk_update()`` refill the rows
      they change, and ``refresh_search_text()`` refills any rows on demand;
    * a change to something a document includes — a participation, a tag, a person's
      name or visibility, a governorate's or theme's name — refills the documents that
      include it (``DEPENDENCIES``, applied by the receivers in search/sync.py
      and by the same QuerySet methods of those models);
    * ``manage.py rebuild_search_index`` refills everything.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _

from search.terms import (  # noqa: F401 — the documented interface (docs/search.md)
    MAX_COLUMN_LENGTH,
    SUGGESTION_MAX_LENGTH,
    SUGGESTION_MIN_LENGTH,
    document_terms,
    exact_terms,
    suggestion_words,
)

from .base import updating_in_bulk, within_bulk_update

SEARCH_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE

def title_column(language):
    return f"search_title_{language}"


def body_column(language):
    return f"search_body_{language}"


SEARCH_COLUMNS = tuple(column(language) for language in SEARCH_LANGUAGES for column in (title_column, body_column))


def search_columns(prefix=""):
    """The search columns, of the model reached through ``prefix`` (``"meeting__"``). They are
    long (a record's text again, in each language) and no page shows them: pages leave them in
    the database with ``defer()``."""
    return tuple(prefix + column for column in SEARCH_COLUMNS)


# --- Documents ------------------------------------------------------------------------------


def translated(obj, name, language):
    """A translated field in ``language``, or in Arabic when it has no text in ``language``."""
    value = getattr(obj, f"{name}_{language}", None)
    if not value and language != DEFAULT_LANGUAGE:
        value = getattr(obj, f"{name}_{DEFAULT_LANGUAGE}", None)
    return value or ""


def related_objects(obj, name):
    """``obj.<name>.all()``; nothing for an unsaved object (it has no related rows yet)."""
    if obj.pk is None:
        return []
    return list(getattr(obj, name).all())


@contextmanager
def _loaded(obj, lookups):
    """Within the block, ``obj``'s related records of ``lookups`` are loaded (in one query each).

    What was not loaded before is dropped again afterwards, so that code which later adds
    a participation, say, and reads ``meeting.participations.all()`` does not get a stale list.
    """
    cache = getattr(obj, "_prefetched_objects_cache", None) or {}
    missing = [lookup for lookup in lookups if lookup.split("__")[0] not in cache]
    if obj.pk is None or not missing:
        yield
        return
    models.prefetch_related_objects([obj], *missing)
    try:
        yield
    finally:
        for lookup in missing:
            obj._prefetched_objects_cache.pop(lookup.split("__")[0], None)


@dataclass(frozen=True)
class SearchDocument:
    """How one model's search columns are made.

    ``title`` and ``body`` are the model's own translated fields in each column;
    ``related(obj, language)`` returns more ``(title_texts, body_texts)`` from related
    records; ``public(obj)`` says whether the record may have a document at all;
    ``sources`` are the model's fields whose change requires a refill; ``select`` and
    ``prefetch`` load what ``related`` reads when many rows are refilled at once.
    """

    title: tuple = ()
    body: tuple = ()
    related: object = None
    public: object = None
    extra_sources: tuple = ()
    select: tuple = ()
    prefetch: tuple = ()
    sources: frozenset = field(init=False)

    def __post_init__(self):
        names = set(self.extra_sources)
        for name in (*self.title, *self.body):
            names.add(name)
            names.update(f"{name}_{language}" for language in SEARCH_LANGUAGES)
        object.__setattr__(self, "sources", frozenset(names))

    def touches(self, names):
        """Whether changing the fields ``names`` changes the document."""
        return not self.sources.isdisjoint(names)

    def columns(self, obj):
        """``{column: value}`` for ``obj`` in every language."""
        values = {}
        public = self.public is None or self.public(obj)
        with _loaded(obj, self.prefetch if public and self.related is not None else ()):
            for language in SEARCH_LANGUAGES:
                values.update(self._columns(obj, language, public))
        return values

    def _columns(self, obj, language, public):
        if not public:
            return {title_column(language): "", body_column(language): ""}
        titles = [translated(obj, name, language) for name in self.title]
        bodies = [translated(obj, name, language) for name in self.body]
        if self.related is not None:
            more_titles, more_bodies = self.related(obj, language)
            titles += more_titles
            bodies += more_bodies
        return {title_column(language): document_terms(titles), body_column(language): document_terms(bodies)}

    def fill(self, obj):
        """Set ``obj``'s search columns (without saving); return the words to offer as suggestions:
        none unless the record is published (meetings/vocabulary.py). The words the new columns
        no longer hold are left in ``obj._vocabulary_removed`` for :func:`prune_removed_words`."""
        from ..vocabulary import listed

        stored = [obj.__dict__.get(column) for column in SEARCH_COLUMNS]  # never loads a deferred column
        values = self.columns(obj)
        for column, value in values.items():
            setattr(obj, column, value)

        def words_of(texts):
            words = set()
            for text in texts:
                if text:
                    words |= suggestion_words(text)
            return words

        if not listed(obj):
            # A person made protected takes their words out; other records leave the
            # vocabulary through the workflow (vocabulary_meeting_moved). Their words are
            # nobody's suggestions: not read (most records refilled in bulk are drafts).
            obj._vocabulary_removed = words_of(stored) if obj._meta.label == "meetings.Person" and obj.pk else set()
            return set()
        words = words_of(values.values())
        if not obj.pk:
            obj._vocabulary_removed = set()
        elif stored == [values.get(column) for column in SEARCH_COLUMNS]:
            obj._vocabulary_removed = set()  # the same columns: the same words
        else:
            obj._vocabulary_removed = words_of(stored) - words
        return words


def _search_column(verbose_name):
    return models.TextField(verbose_name, blank=True, default="", editable=False)


class Searchable(models.Model):
    """A model found by the site's search (see the module docstring). Subclasses set ``search_document``."""

    search_title_ar = _search_column(_("search terms of the title (Arabic)"))
    search_body_ar = _search_column(_("search terms of the text (Arabic)"))
    search_title_en = _search_column(_("search terms of the title (English)"))
    search_body_en = _search_column(_("search terms of the text (English)"))

    search_document = SearchDocument()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        words = None
        if update_fields is None or self.search_document.touches(update_fields):
            words = self.search_document.fill(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *SEARCH_COLUMNS}
        # One transaction with what the save refills or holds out of the search (search/sync.py): a
        # person protected outside one was protected, for a moment, with their meetings still found.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self), savepoint=False):
            super().save(*args, **kwargs)
            if words:
                SearchTerm.objects.add(words)
            prune_removed_words([self])

    def refresh_search_text(self):
        """Refill this record's search columns from the database."""
        refresh_search_text(type(self)._base_manager.filter(pk=self.pk))


def prune_removed_words(objs, *, using="default"):
    """Take out of the vocabulary the words these just-saved records no longer hold, unless
    another published record holds them (meetings/vocabulary.py)."""
    removed = set()
    for obj in objs:
        removed |= obj.__dict__.pop("_vocabulary_removed", None) or set()
    if removed:
        from ..vocabulary import vocabulary_prune

        vocabulary_prune(removed, using=using)


# --- Bulk paths ---------------------------------------------------------------------------


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def refresh_search_text(queryset, *, batch_size=500, progress=None):
    """Refill the search columns of every row of ``queryset``, ``batch_size`` rows at a time.

    Only the rows whose columns change are written: a meeting saved with its title as it
    was leaves its recommendations' rows (and their search index entries) alone.
    ``progress(done)`` is called after each batch. Returns the number of rows refilled.
    """
    model = queryset.model
    document = model.search_document
    rows = (
        queryset.order_by("pk")
        .select_related(*document.select)
        .prefetch_related(*document.prefetch)
        .iterator(chunk_size=batch_size)
    )
    done = 0
    for batch in _chunks(rows, batch_size):
        words = set()
        changed = []
        for obj in batch:
            stored = [obj.__dict__.get(column) for column in SEARCH_COLUMNS]
            words |= document.fill(obj)
            if [obj.__dict__.get(column) for column in SEARCH_COLUMNS] != stored:
                changed.append(obj)
        if changed:
            model._base_manager.db_manager(queryset.db).bulk_update(changed, SEARCH_COLUMNS)
        SearchTerm.objects.db_manager(queryset.db).add(words)
        prune_removed_words(batch, using=queryset.db)
        done += len(batch)
        if progress is not None:
            progress(done)
    return done


def refresh_rows(model, pks):
    """Refill the search columns of the rows of ``model`` with these primary keys."""
    pks = sorted({pk for pk in pks if pk is not None})
    for chunk in _chunks(pks, 1000):
        refresh_search_text(model._base_manager.filter(pk__in=chunk))


class SearchableQuerySet(models.QuerySet):
    """The write paths that bypass ``save()``, each keeping the search columns in sync."""

    def without_search_columns(self):
        """For reading only (a public page): an object saved without its search columns would
        not write them."""
        return self.defer(*search_columns())

    def update(self, **kwargs):
        document = self.model.search_document
        own = document.touches(kwargs)
        dependents = _touches_dependents(self.model, kwargs)
        if not (own or dependents) or within_bulk_update(self):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # The rows are found before the update, which may change what the filter selects.
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if own:
                refresh_rows(self.model, pks)
            if dependents:
                refresh_dependents(self.model, pks)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        document = self.model.search_document
        if document.select:
            models.prefetch_related_objects(objs, *document.select)
        words = set()
        for obj in objs:
            words |= document.fill(obj)
        created = super().bulk_create(objs, *args, **kwargs)
        SearchTerm.objects.add(words)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        document = self.model.search_document
        if document.touches(fields):
            words = set()
            for obj in objs:
                words |= document.fill(obj)
            fields = [*fields, *(column for column in SEARCH_COLUMNS if column not in fields)]
            SearchTerm.objects.add(words)
        with updating_in_bulk(self):
            count = super().bulk_update(objs, fields, *args, **kwargs)
        prune_removed_words(objs, using=self.db)
        if _touches_dependents(self.model, fields):
            refresh_dependents(self.model, [obj.pk for obj in objs])
        return count

    def refresh_search_text(self, **options):
        """Refill the search columns of these rows (see :func:`refresh_search_text`)."""
        return refresh_search_text(self, **options)


# --- Documents that include other records ----------------------------------------------------


@dataclass(frozen=True)
class Dependency:
    """Documents of ``target`` include fields ``fields`` of ``source``, reached from the
    target by the lookup ``path``: a change of those fields refills those documents."""

    source: str  # "app_label.Model"
    fields: frozenset
    target: str
    path: str
    # Lookups (from the target) that the same source row must also meet, as a function: only
    # for a condition that no change of the source's ``fields`` can alter.
    only: object = None
    # A source that a national archive's share of documents includes (a theme, a governorate, the
    # busiest organisation): its ``save()`` reads the stored ``fields`` first and refills only if
    # one of them changed (search/sync.py). An edit of anything else, in the admin, refilled
    # every document that names it.
    compare: bool = False
    # A rename of the source (only its names: ``RENAMES``) named in more than
    # ``settings.SEARCH_REFILL_NOW`` documents refills them later, in ``manage.py refill_search``,
    # not within the request: a theme names 80,000 recommendations, whose refill takes minutes.
    # Never a source whose change can take a name out of public documents (a person): see ``hides``.
    later: bool = False
    # A change of the source (a person's name or visibility: it may take a name out of the documents,
    # which cannot wait) named in more than ``settings.PERSON_REFILL_NOW`` documents leaves them out
    # of every search at once (``SearchHold``) and to ``refill_search``. Protecting a person of 6,156
    # meetings refilled them within the save: 35 s, past the page's time limit, with nothing saved.
    hides: bool = False

    def matches(self, model):
        return model._meta.label == self.source

    def target_model(self):
        from django.apps import apps

        return apps.get_model(self.target)

    def targets(self, pks):
        """Primary keys of the target rows that include the source rows ``pks``."""
        lookups = {f"{self.path}__in": pks, **(self.only() if self.only else {})}
        return self.target_model()._base_manager.filter(**lookups).values_list("pk", flat=True).distinct()


def _with_languages(*names):
    return frozenset(
        {name for name in names} | {f"{name}_{language}" for name in names for language in SEARCH_LANGUAGES}
    )


def _organised():
    from .recommendations import SEARCH_CONTEXT_ROLES

    return {"meeting__involvements__role__in": SEARCH_CONTEXT_ROLES}


DEPENDENCIES = (
    Dependency(
        "meetings.Participation",
        _with_languages("statement", "person", "person_id", "meeting", "meeting_id"),
        "meetings.Meeting",
        "participations",
    ),
    Dependency(
        "meetings.Person",
        _with_languages("name", "visibility"),
        "meetings.Meeting",
        "participations__person",
        compare=True,
        hides=True,
    ),
    Dependency("meetings.Tag", _with_languages("name"), "meetings.Meeting", "tags", compare=True, later=True),
    Dependency(
        "meetings.Governorate", _with_languages("name"), "meetings.Meeting", "governorate", compare=True, later=True
    ),
    Dependency("meetings.Theme", _with_languages("name"), "meetings.Recommendation", "theme", compare=True, later=True),
    # A recommendation's context: its meeting's title, city, governorate and organisers.
    Dependency(
        "meetings.Meeting",
        _with_languages("title", "city", "governorate", "governorate_id"),
        "meetings.Recommendation",
        "meeting",
    ),
    Dependency(
        "meetings.Governorate",
        _with_languages("name"),
        "meetings.Recommendation",
        "meeting__governorate",
        compare=True,
        later=True,
    ),
    Dependency(
        "meetings.MeetingOrganization",
        _with_languages("role", "organization", "organization_id", "meeting", "meeting_id"),
        "meetings.Recommendation",
        "meeting__involvements",
    ),
    # Only the meetings it organises or co-organises name it (``_recommendation_search_related``):
    # an organisation's change never changes its roles. Renaming or confirming an organisation
    # that took part in thousands of meetings as a partner refilled all their recommendations.
    Dependency(
        "meetings.Organization",
        _with_languages("name", "acronym", "is_pending"),
        "meetings.Recommendation",
        "meeting__involvements__organization",
        only=_organised,
        compare=True,
        later=True,
    ),
)


def hides_while_waiting(model):
    """Whether the documents a change of ``model`` leaves to ``refill_search`` are left out of the
    search until then (``Dependency.hides``)."""
    return any(dependency.hides for dependency in DEPENDENCIES if dependency.matches(model))


def _touches_dependents(model, names):
    return any(d.matches(model) and not d.fields.isdisjoint(names) for d in DEPENDENCIES)


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


@lru_cache(maxsize=None)
def compared_fields(model):
    """The columns a ``save()`` of ``model`` compares with the stored row before refilling what
    includes it, if one of its dependencies says ``compare``: each language's column of a
    translated field, the key of a foreign key. Empty for the others."""
    mine = [dependency for dependency in DEPENDENCIES if dependency.matches(model)]
    if not any(dependency.compare for dependency in mine):
        return []
    names = set().union(*(dependency.fields for dependency in mine))
    columns = set()
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not any(_has_field(model, f"{name}_{language}") for language in SEARCH_LANGUAGES):
            columns.add(field.attname)
    return tuple(sorted(columns))


def dependents_of(model, pks, *, fields=None):
    """``[(target model, target pks)]`` of the documents that include rows ``pks`` of ``model``."""
    found = []
    for dependency in DEPENDENCIES:
        if dependency.matches(model) and (fields is None or not dependency.fields.isdisjoint(fields)):
            found.append((dependency.target_model(), list(dependency.targets(pks))))
    return found


# What a rename changes: the words of names that public documents already showed. Whether a
# name may be shown at all (a person's visibility, an organisation's return to pending) is never
# left for later with the documents still found (a person's: ``Dependency.hides``); a confirmation
# only adds a name, and is left for later as a rename is.
RENAMES = _with_languages("name", "acronym")


def refresh_dependents(model, pks, *, fields=None, confirmed=False):
    """Refill the documents that include rows ``pks`` of ``model``. A rename (``fields`` within
    ``RENAMES``) of a source whose dependencies allow it (``Dependency.later``) that more than
    ``settings.SEARCH_REFILL_NOW`` documents include leaves them to ``refill_search``; a change
    of a source whose dependencies hide (``Dependency.hides``) that more than
    ``settings.PERSON_REFILL_NOW`` documents include leaves them out of the search until then.
    ``confirmed``: the change confirmed a pending organisation, whose name the documents gain (left
    for later like a rename; a return to pending, which takes it out, never is). Returns how many
    documents wait."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return 0
    found = dependents_of(model, pks, fields=fields)
    mine = [dependency for dependency in DEPENDENCIES if dependency.matches(model)]
    size = sum(len(target_pks) for _target, target_pks in found)
    if hides_while_waiting(model) and size > settings.PERSON_REFILL_NOW:
        return SearchRefill.objects.add(found, hide=True)
    names = RENAMES | ({"is_pending"} if confirmed else set())
    renamed = fields is not None and set(fields) <= names and all(dependency.later for dependency in mine)
    if renamed:
        return refresh_or_leave(found)
    refresh_documents(found)
    return 0


def refresh_or_leave(found):
    """Refill the documents of a :func:`dependents_of` answer within the request, or leave them to
    ``refill_search`` past ``settings.SEARCH_REFILL_NOW``; returns how many wait. Only for a change
    that takes no name out of them (a rename of what their pages already show, a merge that names a
    confirmed organisation instead of a pending one): until the refill, a search finds them as before."""
    if sum(len(target_pks) for _target, target_pks in found) > settings.SEARCH_REFILL_NOW:
        return SearchRefill.objects.add(found)
    refresh_documents(found)
    return 0


def refresh_documents(*found):
    """Refill, once each, the documents of one or more :func:`dependents_of` answers (what
    the rows were part of before a write and after it)."""
    documents = defaultdict(set)
    for target, target_pks in (pair for answer in found for pair in answer):
        documents[target].update(target_pks)
    for target, target_pks in documents.items():
        refresh_rows(target, target_pks)


class SearchSourceQuerySet(models.QuerySet):
    """For models that other records' documents include: ``update()`` and ``bulk_update()``
    refill those documents (``save()`` and deletions are handled in search/sync.py)."""

    def update(self, **kwargs):
        if not _touches_dependents(self.model, kwargs) or within_bulk_update(self):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            # Documents the rows leave (a participation moved to another meeting) and join.
            before = dependents_of(self.model, pks, fields=kwargs)
            count = super().update(**kwargs)
            refresh_documents(before, dependents_of(self.model, pks, fields=kwargs))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_dependents(self.model, [obj.pk for obj in created])
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not _touches_dependents(self.model, fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        pks = [obj.pk for obj in objs if obj.pk is not None]
        with transaction.atomic(using=self.db):
            before = dependents_of(self.model, pks, fields=fields)
            with updating_in_bulk(self):
                count = super().bulk_update(objs, fields, *args, **kwargs)
            refresh_documents(before, dependents_of(self.model, pks, fields=fields))
        return count


# --- Spelling suggestions -------------------------------------------------------------------


class SearchTermQuerySet(models.QuerySet):
    def add(self, words):
        """Record ``words`` as known (existing ones are left alone)."""
        if words:
            self.bulk_create([SearchTerm(term=word) for word in sorted(words)], ignore_conflicts=True, batch_size=500)


class SearchTerm(models.Model):
    """A normalised word that occurs in some record's search columns: the vocabulary
    "did you mean" suggestions are drawn from (by trigram similarity).

    Only published records lend their words (meetings/vocabulary.py): words are added as
    published documents are filled and when a meeting is published, and pruned when an
    edit or an unpublication leaves no published record holding them. A suggestion is
    still shown only after a search for it has found a published record (search/engine.py).
    """

    term = models.CharField(_("term"), max_length=SUGGESTION_MAX_LENGTH, unique=True)

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self):
        return self.term


# --- Refills left for later ----------------------------------------------------------------


class SearchRefillQuerySet(models.QuerySet):
    def add(self, found, *, hide=False):
        """Leave the documents of a :func:`dependents_of` answer to ``refill_search``, in batches
        of ``REFILL_BATCH``; returns how many. ``hide``: every search leaves them out until their
        batch is refilled (a :class:`SearchHold` each), and ``refill_search`` takes them first."""
        rows = [
            SearchRefill(model=target._meta.label_lower, keys=chunk, hides=hide)
            for target, target_pks in found
            for chunk in _chunks(sorted(set(target_pks)), SearchRefill.REFILL_BATCH)
        ]
        self.bulk_create(rows)
        if hide:
            held = [SearchHold(refill=row, meeting_id=key) for row in rows for key in row.keys]
            SearchHold.objects.using(self.db).bulk_create(held, batch_size=SearchRefill.REFILL_BATCH)
        return sum(len(row.keys) for row in rows)

    def refill_next(self):
        """Refill the oldest batch that no other ``refill_search`` holds, in a transaction of its
        own, and delete it. Returns how many documents, or ``None`` when none is waiting."""
        from django.apps import apps
        from django.db import connections

        with transaction.atomic(using=self.db):
            # What a protection left out of the search first: it is missing from every search until then.
            waiting = self.order_by("-hides", "pk")
            if connections[self.db].features.has_select_for_update_skip_locked:
                waiting = waiting.select_for_update(skip_locked=True)
            batch = waiting.first()
            if batch is None:
                return None
            # Its holds go first: the vocabulary's prune after the refill counts these documents
            # among those the search finds (the batch commits as one).
            if batch.hides:
                SearchHold.objects.using(self.db).filter(refill=batch).delete()
            refresh_rows(apps.get_model(batch.model), batch.keys)
            batch.delete()
            return len(batch.keys)


class SearchRefill(models.Model):
    """Documents whose search columns wait for ``manage.py refill_search``: a rename that too many
    documents include to refill them within the request (``refresh_dependents``). Until then a
    search finds them by the old name, which their public pages showed. A person's new name or
    protection (``hides``) is no such name: until their refill, the meetings are left out of every
    search (:class:`SearchHold`)."""

    REFILL_BATCH = 1000

    model = models.CharField(_("kind of record"), max_length=100)
    keys = models.JSONField(_("records"))
    hides = models.BooleanField(_("left out of the search until then"), default=False)
    created_at = models.DateTimeField(_("waiting since"), auto_now_add=True)

    objects = SearchRefillQuerySet.as_manager()

    class Meta:
        verbose_name = _("search refill waiting")
        verbose_name_plural = _("search refills waiting")

    def __str__(self):
        return f"{self.model}: {len(self.keys)}"


class SearchHold(models.Model):
    """A meeting that every search leaves out (``search.engine.Matches``) until ``refill_search``
    has refilled its document: it may still hold the name of a person made protected, or renamed,
    since. One row per meeting and batch, deleted with the batch: a meeting that two protections
    hold stays out until both batches are refilled."""

    refill = models.ForeignKey(SearchRefill, on_delete=models.CASCADE, related_name="holds")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("meeting left out of the search")
        verbose_name_plural = _("meetings left out of the search")

    def __str__(self):
        return str(self.meeting_id)
