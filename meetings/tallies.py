"""Summary counts of published records, kept in ``Tally`` rows so pages need not count.

At 100,000 meetings and a million recommendations, counting the published
recommendations by status reads a million rows: more than a second for the home page.
So every count a public page shows — the home figures, the status bars, the totals of
the lists, the figures of an organisation, project, governorate or tag, the counts of
the organisation, project and governorate lists — is read from a ``Tally`` row (see
``TallyQuerySet``): published meetings overall and per governorate, project,
organisation (organiser, participant or speaker's organisation), tag, stakeholder group
and kind; published recommendations per status, overall and per governorate, project,
theme, kind and addressee.

How the rows stay right. Every count is a sum over published meetings of what each
meeting *contributes* (its own count, its recommendations by status, ...), and a
meeting's contribution depends only on the rows of that meeting. So a write that can
change the contributions of meetings ``M`` computes their contribution before the write
and after it, in the same transaction, and adds the difference to the rows (one
``INSERT … ON CONFLICT DO UPDATE SET count = count + …``). That covers:

* ``save()`` and ``delete()`` (cascades and ``QuerySet.delete()`` included) of meetings,
  their organisations and participations, and recommendations — only when a field that
  counts changes (``WATCHED_FIELDS``): a meeting's status, governorate, project or kind;
  a recommendation's meeting, status, theme or kind (so a follow-up that changes a
  recommendation's status counts through the recommendation's own save, whatever decides
  when it does);
* the many-to-many changes of meetings' tags and stakeholder groups and
  recommendations' addressees, from either side;
* ``update()``, ``bulk_create()`` and ``bulk_update()`` of those models
  (``CountedQuerySet``, mixed into their QuerySets).

A write that touches no published meeting costs one query before and one after. Raw SQL
and ``loaddata`` bypass all this: ``rebuild()`` (run by ``rebuild_search_index``,
``generate_data`` and every ``migrate``) recomputes every row from the records.
tests/test_tallies.py checks the rows against counts of the records after each kind
of write.
"""

import threading
from collections import Counter
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import statistics

MEETINGS, RECOMMENDATIONS = "meetings", "recommendations"

WATCHED_FIELDS = {
    "meetings.Meeting": (
        "status", "governorate", "project", "kind", "date", "attendance_total", "attendance_women", "attendance_men",
    ),
    "meetings.MeetingOrganization": ("meeting", "organization"),
    "meetings.Participation": ("meeting", "organization"),
    "meetings.Recommendation": ("meeting", "status", "theme", "kind", "due_date"),
}


def _models():
    from .models import Meeting, MeetingOrganization, Participation, Recommendation

    return {
        "meetings.Meeting": Meeting,
        "meetings.MeetingOrganization": MeetingOrganization,
        "meetings.Participation": Participation,
        "meetings.Recommendation": Recommendation,
    }


def _watched_columns(model):
    return [model._meta.get_field(name).attname for name in WATCHED_FIELDS[model._meta.label]]


def _touches(model, fields):
    if fields is None:
        return True
    return not {*WATCHED_FIELDS[model._meta.label], *_watched_columns(model)}.isdisjoint(fields)


# --- Contributions ------------------------------------------------------------------------


def contribution(meeting_ids, *, using="default"):
    """``Counter{(subject, scope, key, status): count}``: what meetings ``meeting_ids`` add
    to the counts (nothing for a meeting that is not published), with the statistics page's
    rows (six-part keys). One query when none of them is published; at most eight otherwise
    (``statistics.Facts``)."""
    meeting_ids = {pk for pk in meeting_ids if pk is not None}
    counts = Counter()
    if not meeting_ids:
        return counts
    facts = statistics.Facts(meeting_ids, using=using)
    if not facts.meetings:
        return counts
    meeting_scopes = {}
    for pk, (_date, governorate, project, kind, *_attendance) in facts.meetings.items():
        scopes = [("all", ""), ("governorate", governorate), ("kind", kind)]
        if project is not None:
            scopes.append(("project", project))
        meeting_scopes[pk] = scopes
        for scope, key in scopes:
            counts[(MEETINGS, scope, str(key), "")] += 1
    for scope, rows in (("tag", facts.tags), ("group", facts.groups)):
        for key, number in rows:
            counts[(MEETINGS, scope, str(key), "")] += number
    for _meeting, organization in facts.involved:
        counts[(MEETINGS, "organization", str(organization), "")] += 1
    statuses = {}
    for pk, meeting, theme, kind, status, _due in facts.recommendations:
        statuses[pk] = status
        scopes = [scope for scope in meeting_scopes[meeting] if scope[0] != "kind"] + [("kind", kind)]
        if theme is not None:
            scopes.append(("theme", theme))
        for scope, key in scopes:
            counts[(RECOMMENDATIONS, scope, str(key), status)] += 1
    for recommendation, organizations in facts.addressees.items():
        for organization in organizations:
            counts[(RECOMMENDATIONS, "addressee", str(organization), statuses[recommendation])] += 1
    counts.update(statistics.contribution(facts))
    return counts


def add(delta, *, using="default"):
    """Add ``delta`` (a Counter of keys as in ``contribution``) to the rows, in one statement
    per table (four-part keys are ``Tally`` rows, six-part keys ``MonthlyTally`` rows)."""
    from .models import MonthlyTally, Tally

    changes = [(key, number) for key, number in delta.items() if number]
    _upsert(Tally, ("subject", "scope", "key", "status"), [c for c in changes if len(c[0]) == 4], using)
    _upsert(
        MonthlyTally, ("measure", "scope", "key", "month", "status", "bucket"), [c for c in changes if len(c[0]) == 6], using
    )


def _upsert(model, columns, changes, using):
    if not changes:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    count = quote("count")
    names = ", ".join(quote(column) for column in columns)
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    for start in range(0, len(changes), 500):
        chunk = changes[start : start + 500]
        values = ", ".join([row] * len(chunk))
        params = [value for key, number in chunk for value in (*key, number)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({names}, {count}) VALUES {values} ON CONFLICT ({names}) "
                f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
                params,
            )


class Change:
    """The contributions of meetings ``ids`` before a write; ``done()`` after it adds the difference.

    Inside ``counting(ids)`` (a write that runs others, such as a follow-up update's save
    that moves its recommendation's status), a change of those meetings is counted once,
    by the outer one."""

    def __init__(self, ids, *, using="default"):
        self.ids, self.using = {pk for pk in ids if pk is not None}, using
        self.inner = bool(self.ids) and self.ids <= _counting(using)
        self.before = Counter() if self.inner else contribution(self.ids, using=using)

    def done(self, more_ids=()):
        if self.inner:
            return
        ids = self.ids | {pk for pk in more_ids if pk is not None}
        after = contribution(ids, using=self.using)
        delta = Counter(after)
        delta.subtract(self.before)
        add(delta, using=self.using)


_counted = threading.local()


def _counting(using):
    return getattr(_counted, using, frozenset())


@contextmanager
def counting(ids, *, using="default"):
    """Count a write of meetings ``ids`` (and every write it runs on them) as one change."""
    outer = _counting(using)
    change = Change(ids, using=using)
    setattr(_counted, using, outer | change.ids)
    try:
        yield
        change.done()
    finally:
        setattr(_counted, using, outer)


def meetings_of(model, pks, *, using="default"):
    """The meetings whose contributions rows ``pks`` of ``model`` are part of."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return set()
    if model._meta.label == "meetings.Meeting":
        return set(pks)
    return set(model._base_manager.using(using).filter(pk__in=pks).order_by().values_list("meeting_id", flat=True))


def rebuild(*, using="default", batch_size=5000):
    """Recompute every row from the records (after raw SQL, ``loaddata`` or a generator)."""
    from .models import Meeting, Tally

    from .models import MonthlyTally

    with transaction.atomic(using=using):
        Tally.objects.using(using).all().delete()
        MonthlyTally.objects.using(using).all().delete()
        ids = list(
            Meeting._base_manager.using(using).filter(status=Meeting.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
        )
        total = Counter()
        for start in range(0, len(ids), batch_size):
            total.update(contribution(ids[start : start + batch_size], using=using))
        # The tables are empty: plain inserts, much faster than add()'s upserts.
        Tally.objects.using(using).bulk_create(
            (Tally(subject=k[0], scope=k[1], key=k[2], status=k[3], count=n) for k, n in total.items() if n and len(k) == 4),
            batch_size=5000,
        )
        MonthlyTally.objects.using(using).bulk_create(
            (
                MonthlyTally(measure=k[0], scope=k[1], key=k[2], month=k[3], status=k[4], bucket=k[5], count=n)
                for k, n in total.items()
                if n and len(k) == 6
            ),
            batch_size=5000,
        )
    cache.delete(statistics.BENCHMARK_CACHE_KEY)
    vacuum(using=using)


def vacuum(*, using="default"):
    """``VACUUM ANALYZE`` the two tables on PostgreSQL after ``rebuild()`` rewrote them.

    Until VACUUM marks their pages all-visible, the statistics page's index-only scans have to
    read the table as well. At 100,000 meetings a three-year range took 177 ms instead of
    42 ms, and autovacuum takes minutes to reach 1.5 million new rows (docs/performance.md,
    session 18). VACUUM cannot run in a transaction, so it is skipped inside an atomic block;
    ``generate.finish_generation()`` calls it after its own."""
    from .models import MonthlyTally, Tally

    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {quote(Tally._meta.db_table)}, {quote(MonthlyTally._meta.db_table)}")


def rebuild_after_migrate(sender, using="default", apps=None, plan=None, **kwargs):
    if plan == []:
        # ``migrate`` applied nothing, so nothing came in without save(). At real size the
        # rebuild takes minutes (1.5 million monthly figures): not on every deployment.
        # Rows loaded with loaddata or raw SQL: ``manage.py rebuild_search_index``.
        return
    try:
        if apps is not None:  # None after a flush (the end of a transactional test): the tables exist
            apps.get_model("meetings", "Tally")
            apps.get_model("meetings", "MonthlyTally")
    except LookupError:  # migrated back to before the table existed
        return
    rebuild(using=using)


# --- Bulk paths ----------------------------------------------------------------------------


def _new_meetings(model, kwargs):
    """The meeting an ``update(meeting=...)`` moves rows to."""
    if model._meta.label == "meetings.Meeting":
        return set()
    value = kwargs.get("meeting", kwargs.get("meeting_id"))
    return {getattr(value, "pk", value)} if value is not None else set()


# Writes in progress, per database: a bulk path that runs another (``bulk_update()`` runs
# ``update()``) must count the change once, in the outer one.
_active = threading.local()


@contextmanager
def _outermost(using):
    """Yields whether this is the outermost counted write on ``using`` in this thread."""
    depth = getattr(_active, using, 0)
    setattr(_active, using, depth + 1)
    try:
        yield depth == 0
    finally:
        setattr(_active, using, depth)


class CountedQuerySet(models.QuerySet):
    """``update()``, ``bulk_create()`` and ``bulk_update()`` that keep the summary counts."""

    def update(self, **kwargs):
        with _outermost(self.db) as outermost:
            if outermost:
                return self._counted_update(**kwargs)
            return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        with _outermost(self.db) as outermost:
            if outermost:
                return self._counted_bulk_create(objs, *args, **kwargs)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        with _outermost(self.db) as outermost:
            if outermost:
                return self._counted_bulk_update(objs, fields, *args, **kwargs)
            return super().bulk_update(objs, fields, *args, **kwargs)

    def _counted_update(self, **kwargs):
        if not _touches(self.model, kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            change = Change(meetings_of(self.model, pks, using=self.db) | _new_meetings(self.model, kwargs), using=self.db)
            count = super().update(**kwargs)
            change.done()
        return count

    def _counted_bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        is_meeting = self.model._meta.label == "meetings.Meeting"
        with transaction.atomic(using=self.db):
            change = Change(() if is_meeting else {obj.meeting_id for obj in objs}, using=self.db)
            created = super().bulk_create(objs, *args, **kwargs)
            if is_meeting:
                pks = [obj.pk for obj in created]
                if None in pks:  # a backend that does not return ids
                    rebuild(using=self.db)
                else:
                    change.done(pks)
            else:
                change.done()
        return created

    def _counted_bulk_update(self, objs, fields, *args, **kwargs):
        if not _touches(self.model, fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs = list(objs)
        with transaction.atomic(using=self.db):
            ids = meetings_of(self.model, [obj.pk for obj in objs], using=self.db)
            if self.model._meta.label != "meetings.Meeting":
                ids |= {obj.meeting_id for obj in objs}
            change = Change(ids, using=self.db)
            count = super().bulk_update(objs, fields, *args, **kwargs)
            change.done()
        return count


# --- Receivers -----------------------------------------------------------------------------


def _meeting_id(sender, instance):
    return instance.pk if sender._meta.label == "meetings.Meeting" else instance.meeting_id


def _before_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    if raw or not _touches(sender, update_fields):
        return
    ids = set()
    if instance.pk is not None:
        columns = _watched_columns(sender)
        stored = sender._base_manager.using(using).filter(pk=instance.pk).order_by().values_list(*columns).first()
        if stored == tuple(getattr(instance, column) for column in columns):
            return
        if stored is not None:
            # The meeting the row belonged to until now.
            ids.add(instance.pk if sender._meta.label == "meetings.Meeting" else stored[columns.index("meeting_id")])
    ids.add(_meeting_id(sender, instance))
    instance._tally_change = Change(ids, using=using)


def _after_save(sender, instance, raw=False, using="default", **kwargs):
    change = instance.__dict__.pop("_tally_change", None)
    if change is not None:
        change.done({_meeting_id(sender, instance)})


def _deleted_with_meeting(sender, origin):
    """A meeting's own rows deleted with it: the meeting's deletion counts them."""
    if sender._meta.label == "meetings.Meeting" or origin is None:
        return False
    model = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    return model._meta.label == "meetings.Meeting"


# The changes of one deletion (``origin``), per meeting: several rows of one meeting deleted
# together are counted once, after all of them are gone.
_pending = {}


def _before_delete(sender, instance, using="default", origin=None, **kwargs):
    if _deleted_with_meeting(sender, origin):
        return
    meeting = _meeting_id(sender, instance)
    stored_origin, pending = _pending.get((using, id(origin)), (None, None))
    if pending is None or stored_origin is not origin:  # (a stale entry of an interrupted deletion)
        pending = {}
        _pending[(using, id(origin))] = (origin, pending)
    if meeting not in pending:
        pending[meeting] = Change({meeting}, using=using)
    instance._tally_origin = (using, id(origin), meeting)


def _after_delete(sender, instance, using="default", origin=None, **kwargs):
    marker = instance.__dict__.pop("_tally_origin", None)
    if marker is None:
        return
    key, meeting = marker[:2], marker[2]
    pending = _pending.get(key, (None, {}))[1]
    change = pending.pop(meeting, None)
    if not pending:
        _pending.pop(key, None)
    if change is not None:
        change.done()


def _after_deleted_subject(sender, instance, using="default", **kwargs):
    """An organisation or tag deleted: its rows go too (nothing can count it any more)."""
    from .models import Tally

    scopes = {"meetings.Tag": ["tag"], "meetings.Organization": ["organization", "addressee"]}[sender._meta.label]
    Tally.objects.using(using).filter(scope__in=scopes, key=str(instance.pk)).delete()


def _m2m_meetings(sender, instance, reverse, pk_set, using):
    """The meetings a many-to-many change of tags, groups or addressees concerns."""
    from .models import Meeting, Recommendation

    if sender is Recommendation.addressees.through:
        if not reverse:
            return {instance.meeting_id}
        recommendations = Recommendation._base_manager.using(using).order_by()
        if pk_set is not None:
            recommendations = recommendations.filter(pk__in=pk_set)
        else:
            recommendations = recommendations.filter(addressees=instance)
        return set(recommendations.values_list("meeting_id", flat=True))
    if not reverse:
        return {instance.pk}
    if pk_set is not None:
        return set(pk_set)
    field = "tags" if sender is Meeting.tags.through else "stakeholder_groups"
    return set(Meeting._base_manager.using(using).filter(**{field: instance}).values_list("pk", flat=True))


def _on_m2m(sender, instance, action, reverse, pk_set=None, using="default", **kwargs):
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_tally_m2m", []).append(
            Change(_m2m_meetings(sender, instance, reverse, pk_set, using), using=using)
        )
    elif action.startswith("post_"):
        stack = instance.__dict__.get("_tally_m2m")
        if stack:
            stack.pop().done()


def connect():
    """Connect the receivers (from MeetingsConfig.ready())."""
    from .models import Meeting, Organization, Recommendation, Tag

    for label, model in _models().items():
        uid = f"tallies-{label.lower()}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for model in (Organization, Tag):
        post_delete.connect(_after_deleted_subject, sender=model, dispatch_uid=f"tallies-{model._meta.label_lower}")
    for through in (Meeting.tags.through, Meeting.stakeholder_groups.through, Recommendation.addressees.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"tallies-{through._meta.label_lower}")
