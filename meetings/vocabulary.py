"""The spelling vocabulary (``SearchTerm``) holds the words of published records only.

"Did you mean" draws its suggestions from ``SearchTerm``. When it held the words of drafts
too, a misspelling of a draft-only word took measurably longer to answer (the suggestion
was found, then checked against the published records and dropped): a guessed name in a
draft could be confirmed from outside. So a word is in the vocabulary only while some
*published* record's search columns hold it:

* a meeting while it is published, its recommendations while it is published, an
  organisation or a person while the site shows them (``is_published``, and for people a
  public visibility) — :func:`listed`;
* a listed record's save adds its new words (``Searchable.save()``, the bulk paths and
  ``refresh_search_text()``, through ``SearchDocument.fill()``), and the words an edit
  removed are pruned unless another published record still holds them
  (:func:`vocabulary_prune`);
* publication (``Meeting.publish()``) adds the words of the meeting and its
  recommendations; unpublication prunes the same words (:func:`vocabulary_meeting_moved`);
* organisations and people enter and leave with their stored ``is_published``
  (meetings/publicity.py calls :func:`vocabulary_publicity_changed`);
* ``manage.py rebuild_search_index`` rebuilds it from scratch (the only way for writes
  that bypass the models, such as ``QuerySet.update(status=…)``).

Everything is incremental: whether a word is still held is asked of the engines' own
full-text indexes (GIN on PostgreSQL, FTS5 on SQLite), one query per
``PRUNE_CHUNK`` words, never by reading the corpus.
"""

from django.db import connections

from .models.searchable import SEARCH_COLUMNS, SEARCH_LANGUAGES, suggestion_words

PRUNE_CHUNK = 40


def listed(obj):
    """Whether the record ``obj`` may lend its words to the vocabulary (see the module docstring)."""
    label = obj._meta.label
    if label == "meetings.Meeting":
        return obj.status == obj.Status.PUBLISHED
    if label == "meetings.Recommendation":
        meeting = obj.meeting if obj.meeting_id else None
        return meeting is not None and meeting.status == meeting.Status.PUBLISHED
    if label == "meetings.Organization":
        return bool(obj.is_published)
    if label == "meetings.Person":
        return bool(obj.is_published) and obj.is_public
    return False


def published_querysets(using="default"):
    """The rows of each searchable model whose words the vocabulary may hold."""
    from .models import Meeting, Organization, Person, Recommendation

    return [
        Meeting._base_manager.using(using).filter(status=Meeting.Status.PUBLISHED),
        Recommendation._base_manager.using(using).filter(meeting__status=Meeting.Status.PUBLISHED),
        Organization._base_manager.using(using).filter(is_published=True),
        Person._base_manager.using(using).filter(is_published=True, visibility=Person.Visibility.PUBLIC),
    ]


def words_of_rows(queryset):
    """The suggestion words of the stored search columns of ``queryset``'s rows."""
    words = set()
    for values in queryset.values_list(*SEARCH_COLUMNS).iterator(chunk_size=500):
        for value in values:
            if value:
                words |= suggestion_words(value)
    return words


def _exact(word):
    from search.normalization import QueryTerm
    from search.engine import SearchQuery

    return SearchQuery(text=word, terms=(QueryTerm(word, (word,)),), groups=((word,),))


def _still_held(words, using):
    """The ``words`` that some published record's search columns still hold (one query). Each
    test goes through the full-text indexes (``found_any``): as ``EXISTS`` on PostgreSQL, a word
    in a few dozen rows of a table had the planner walk the table until it found one, expecting
    one soon, so a word no published record holds any more (a protected person's name, an
    unpublished meeting's rare words) read all 100,000 meetings, 1.2 s a word."""
    from search.engine import Matches, found_any

    published = published_querysets(using)
    parts, params = [], []
    for word in words:
        query, tests = _exact(word), []
        for rows in published:
            for language in SEARCH_LANGUAGES:
                sql, test_params = found_any(rows.filter(Matches(query, language)))
                tests.append(sql)
                params += test_params
        parts.append(f"CASE WHEN {' OR '.join(tests)} THEN %s END")
        params.append(word)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return {word for word in cursor.fetchone() if word is not None}


def vocabulary_prune(words, *, using="default"):
    """Remove from the vocabulary those of ``words`` that no published record holds any more."""
    from .models import SearchTerm

    words = sorted(set(words))
    removed = 0
    for start in range(0, len(words), PRUNE_CHUNK):
        chunk = words[start : start + PRUNE_CHUNK]
        known = set(SearchTerm.objects.using(using).filter(term__in=chunk).values_list("term", flat=True))
        if not known:
            continue
        gone = known - _still_held(sorted(known), using)
        if gone:
            removed += SearchTerm.objects.using(using).filter(term__in=gone).delete()[0]
    return removed


def vocabulary_meeting_moved(meeting, *, published, using="default"):
    """After ``meeting`` was published (``published=True``) or withdrawn: add or prune the
    words of the meeting and its recommendations (its organisations and people follow their
    ``is_published``, see :func:`vocabulary_publicity_changed`)."""
    from .models import Recommendation, SearchTerm

    rows = [
        type(meeting)._base_manager.using(using).filter(pk=meeting.pk),
        Recommendation._base_manager.using(using).filter(meeting_id=meeting.pk),
    ]
    words = set()
    for queryset in rows:
        words |= words_of_rows(queryset)
    if published:
        SearchTerm.objects.db_manager(using).add(words)
    else:
        vocabulary_prune(words, using=using)


def vocabulary_publicity_changed(model, *, disclosed, hidden, using="default"):
    """Organisations or people the site now shows (``disclosed``) or no longer shows (``hidden``)."""
    from .models import SearchTerm

    if disclosed:
        public = next(q for q in published_querysets(using) if q.model is model)
        SearchTerm.objects.db_manager(using).add(words_of_rows(public.filter(pk__in=disclosed)))
    if hidden:
        vocabulary_prune(words_of_rows(model._base_manager.using(using).filter(pk__in=hidden)), using=using)


def vocabulary_rebuild(*, using="default"):
    """The vocabulary from scratch: the words of every published record (reads the whole corpus)."""
    from .models import SearchTerm

    words = set()
    for queryset in published_querysets(using):
        words |= words_of_rows(queryset)
    _delete_missing(words, using)
    SearchTerm.objects.db_manager(using).add(words)
    return len(words)


def _delete_missing(words, using):
    from .models import SearchTerm

    stale = [term for term in SearchTerm.objects.using(using).values_list("term", flat=True).iterator() if term not in words]
    for start in range(0, len(stale), 1000):
        SearchTerm.objects.using(using).filter(term__in=stale[start : start + 1000]).delete()
