"""Keeping search documents in sync when something they include changes.

A searchable record fills its own search columns in ``save()`` and its QuerySet's bulk
methods (models/searchable.py). What a *document includes from other records* — a
meeting's participations, tags, governorate and public participants' names, a
recommendation's theme — changes through those other records, and three of those paths
have no method to override: a related record's ``save()`` and ``delete()`` (which also
runs for cascades and ``QuerySet.delete()``) and many-to-many changes (``meeting.tags.set()``).
The receivers below cover exactly those; ``update()``, ``bulk_create()`` and
``bulk_update()`` of the same models are covered by ``SearchSourceQuerySet``.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from meetings.models import Meeting, Organization, Person, Recommendation, SearchRefill, SearchTerm
from meetings.models.searchable import (
    DEPENDENCIES,
    compared_fields,
    dependents_of,
    refresh_dependents,
    refresh_rows,
    refresh_search_text,
)
from .schema import ensure_search_schema


def _source_models():
    from django.apps import apps

    return {apps.get_model(dependency.source) for dependency in DEPENDENCIES}


def note_values_before_save(sender, instance, update_fields=None, raw=False, using=None, **kwargs):
    """For a source that many documents include (``Dependency.compare``): the stored values of
    what they include, read before the save, so that only a change of them refills."""
    columns = compared_fields(sender)
    if update_fields is not None:
        columns = [column for column in columns if column in update_fields or column.removesuffix("_id") in update_fields]
    if raw or instance._state.adding or instance.pk is None or not columns:
        return
    rows = sender._base_manager.using(using).filter(pk=instance.pk)
    if transaction.get_connection(using).in_atomic_block:
        # Locked as the save would lock it: a concurrent rename is compared once it has committed.
        rows = rows.select_for_update()
    instance._search_before = rows.values(*columns).first()


def refill_after_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return  # loading fixtures: run rebuild_search_index afterwards
    before = instance.__dict__.pop("_search_before", None)
    confirmed = False
    if before is not None:
        # Only what changed; the other fields of an edit in the admin leave the documents as they are.
        update_fields = [column for column, value in before.items() if getattr(instance, column) != value]
        # A pending organisation confirmed: its name joins the documents, as a rename's does.
        confirmed = before.get("is_pending") is True and instance.is_pending is False
    # How many documents were left to ``refill_search`` (a rename of what too many name): the
    # admin says so.
    instance._search_refills_waiting = refresh_dependents(sender, [instance.pk], fields=update_fields, confirmed=confirmed)


def note_dependents_before_delete(sender, instance, **kwargs):
    instance._search_dependents = dependents_of(sender, [instance.pk])


def refill_after_delete(sender, instance, origin=None, **kwargs):
    dependents = instance.__dict__.pop("_search_dependents", [])
    for target, pks in dependents:
        # Deleting a meeting deletes its participations first: do not refill what is going away.
        if isinstance(origin, target) or (isinstance(origin, QuerySet) and origin.model is target):
            continue
        refresh_rows(target, pks)


def refill_after_tags_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_cleared_meetings = list(instance.meetings.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_rows(Meeting, [instance.pk])
    elif action == "post_clear":
        refresh_rows(Meeting, instance.__dict__.pop("_search_cleared_meetings", []))
    else:
        refresh_rows(Meeting, pk_set or [])


def fill_search_index_after_migrate(sender, using="default", verbosity=1, apps=None, **kwargs):
    """Recreate what a SQLite table rebuild dropped, and fill the search columns of a
    database migrated with records but never indexed (the vocabulary is still empty)."""
    try:
        if apps is not None:
            apps.get_model("meetings", "SearchTerm")
    except LookupError:
        return  # migrated back to before search existed
    created = ensure_search_schema(using)
    if created and verbosity >= 2:
        print(f"  Search: created {', '.join(created)}")
    if SearchTerm.objects.using(using).exists():
        return
    for model in (Meeting, Recommendation, Organization, Person):
        if model._base_manager.using(using).exists():
            count = refresh_search_text(model._base_manager.using(using).all())
            if verbosity >= 1:
                print(f"  Search: indexed {count} {model._meta.verbose_name_plural}")


def connect():
    """Connect the receivers (from MeetingsConfig.ready())."""
    for model in _source_models():
        uid = f"search-{model._meta.label_lower}"
        if compared_fields(model):
            pre_save.connect(note_values_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(refill_after_save, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(note_dependents_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(refill_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(refill_after_tags_change, sender=Meeting.tags.through, dispatch_uid="search-meeting-tags")


def rebuild_search_index(*, batch_size=500, progress=None, using="default"):
    """Refill the search columns of every searchable record and rebuild the vocabulary.

    ``progress(model, done, total)`` is called after each batch. Returns ``{model: count}``.
    """
    from meetings import tallies
    from meetings.publicity import refresh_all

    ensure_search_schema(using)
    # Which organisations and people may be searched at all (stored, recomputed from the records).
    refresh_all(using=using)
    # The summary counts of the public pages (meetings/tallies.py), also derived from the records.
    tallies.rebuild(using=using)
    SearchTerm.objects.using(using).all().delete()
    SearchRefill.objects.using(using).all().delete()  # everything is refilled below
    counts = {}
    for model in (Meeting, Recommendation, Organization, Person):
        rows = model._base_manager.using(using).all()
        total = rows.count()
        report = (lambda done, model=model, total=total: progress(model, done, total)) if progress else None
        if report:
            report(0)
        counts[model] = refresh_search_text(rows, batch_size=batch_size, progress=report)
    return counts
