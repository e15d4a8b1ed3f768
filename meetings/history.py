"""Every change to the records staff edit is kept (django-simple-history).

Models are registered from ``MeetingsConfig.ready()``: by then modeltranslation
has added the per-language fields (``title_ar``, ``title_en`` …), so the
historical tables record every language, not only the untranslated column.

A multi-step save (a meeting and its tags, a recommendation and its
addressees) writes *one* historical record: :func:`recorded_once` suspends the
per-step records and writes a single one, including the many-to-many state,
at the end.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from simple_history import register
from simple_history.models import HistoricalRecords

# The HistoricalRecords object of each registered model, for recorded_once().
_RECORDS = {}


class SanadHistoricalRecords(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            _RECORDS[sender] = self


def register_models():
    from .models import (
        Attachment,
        Meeting,
        MeetingOrganization,
        Organization,
        Participation,
        Person,
        Position,
        Recommendation,
        RecommendationUpdate,
    )

    def track(model, **options):
        register(model, records_class=SanadHistoricalRecords, **options)

    # The search columns are derived from the rest (models/searchable.py): not a version's content.
    from .models.searchable import SEARCH_COLUMNS

    track(Meeting, m2m_fields=["tags", "stakeholder_groups"], excluded_fields=["updated_at", *SEARCH_COLUMNS])
    track(MeetingOrganization)
    track(Participation)
    track(Recommendation, m2m_fields=["addressees"], excluded_fields=["updated_at", *SEARCH_COLUMNS])
    track(Person, excluded_fields=["updated_at", *SEARCH_COLUMNS])
    track(Position)
    track(Organization, excluded_fields=["updated_at", *SEARCH_COLUMNS])
    # Follow-up entries and files: who recorded, changed or removed which, and when.
    track(RecommendationUpdate)
    track(Attachment)


@contextmanager
def recorded_once(instance, *, by=None, reason=None, created=False):
    """Within the block, saves of ``instance`` and changes to its many-to-many fields write no
    history; on leaving it, one record is written (``+`` if ``created``, else ``~``)."""
    instance.skip_history_when_saving = True
    try:
        yield instance
    finally:
        del instance.skip_history_when_saving
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason
    try:
        _RECORDS[type(instance)].create_historical_record(instance, "+" if created else "~")
    finally:
        instance.__dict__.pop("_history_user", None)
        instance.__dict__.pop("_change_reason", None)


def attribute_to(instance, by, reason=None):
    """Make the next historical record of ``instance`` name ``by`` (and ``reason``)."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason
    return instance


# --- Reading the history back ------------------------------------------------------

# Columns that say nothing a reader needs: bookkeeping, and the untranslated base
# column of translated fields (its per-language columns are shown instead).
_HIDDEN = {"id", "version", "updated_by", "created_by", "created_at", "updated_at", "slug", "order", "meeting"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One saved version of one record, with what changed since its previous version."""

    record: object
    model_label: str
    object_label: str
    action: str  # "+", "~" or "-"
    changes: list = field(default_factory=list)
    restorable: bool = False

    @property
    def date(self):
        return self.record.history_date

    @property
    def user(self):
        return self.record.history_user

    @property
    def reason(self):
        return self.record.history_change_reason


def _shown_fields(model):
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        translated = set()
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _HIDDEN and f.name not in translated and f.name in {h.name for h in model.history.model._meta.fields}
    ]


def _m2m_state(history_model, field_name, target_field, records):
    """``{history_id: frozenset(target ids)}`` for the many-to-many field of the given records (one query)."""
    m2m_model = getattr(history_model, field_name).model
    state = {record.history_id: set() for record in records}
    rows = m2m_model.objects.filter(history__in=[r.history_id for r in records]).values_list("history_id", target_field)
    for history_id, target in rows:
        state[history_id].add(target)
    return {key: frozenset(value) for key, value in state.items()}


def field_label(model, model_field):
    """«Title (Arabic)» for ``title_ar``; the capitalised verbose name otherwise."""
    from modeltranslation.translator import NotRegistered, translator

    language_names = dict(settings.LANGUAGES)
    base, _sep, language = model_field.name.rpartition("_")
    try:
        translated = base in translator.get_options_for_model(model).fields
    except NotRegistered:
        translated = False
    if translated and language in language_names:
        return str(format_lazy("{} ({})", capfirst(model._meta.get_field(base).verbose_name), language_names[language]))
    return str(capfirst(model_field.verbose_name))


def _display(model_field, value, related):
    from django.utils.translation import gettext as _gettext

    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        obj = related.get((model_field.related_model, value))
        return str(obj) if obj is not None else _gettext("(deleted)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _gettext("Yes") if value else _gettext("No")
    return str(value)


def meeting_changes(meeting):
    """Every saved version of the meeting and of its organisations, participants and
    recommendations, newest first, each with its field changes. A fixed number of queries."""
    from .models import MeetingOrganization, Organization, Participation, Recommendation, StakeholderGroup, Tag

    sources = [
        (type(meeting), meeting.history.filter(id=meeting.pk), {"tags": (Tag, "tag"), "stakeholder_groups": (StakeholderGroup, "stakeholdergroup")}),
        (MeetingOrganization, MeetingOrganization.history.filter(meeting_id=meeting.pk), {}),
        (Participation, Participation.history.filter(meeting_id=meeting.pk), {}),
        (Recommendation, Recommendation.history.filter(meeting_id=meeting.pk), {"addressees": (Organization, "organization")}),
    ]
    loaded = []
    wanted = {}  # related model -> ids to fetch for display
    for model, records, m2m in sources:
        records = list(records.select_related("history_user").order_by("history_date", "history_id"))
        fields = _shown_fields(model)
        m2m_states = {
            name: _m2m_state(model.history.model, name, target_field, records) for name, (target, target_field) in m2m.items()
        }
        loaded.append((model, records, fields, m2m, m2m_states))
        for record in records:
            for f in fields:
                value = getattr(record, f.attname)
                if f.is_relation and value is not None:
                    wanted.setdefault(f.related_model, set()).add(value)
        for name, (target, _target_field) in m2m.items():
            for ids in m2m_states[name].values():
                wanted.setdefault(target, set()).update(ids)
    related = {}
    for related_model, ids in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(ids).items():
            related[(related_model, pk)] = obj

    entries = []
    for model, records, fields, m2m, m2m_states in loaded:
        previous = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            for f in fields:
                new = getattr(record, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and new in (None, ""):
                    continue
                if before is not None and old in (None, "") and new in (None, ""):
                    continue  # empty either way (an untranslated field is NULL or "")
                if before is None or old != new:
                    changes.append(Change(field_label(model, f), _display(f, old, related) if before else "—", _display(f, new, related)))
            for name, (target, _target_field) in m2m.items():
                new_ids = m2m_states[name][record.history_id]
                old_ids = m2m_states[name].get(before.history_id, frozenset()) if before is not None else frozenset()
                if new_ids != old_ids:
                    label = field_label(model, model._meta.get_field(name))
                    changes.append(Change(label, _names(old_ids, target, related), _names(new_ids, target, related)))
            if record.history_type == "-":
                changes = []
            entries.append(
                Entry(
                    record=record,
                    model_label=str(capfirst(model._meta.verbose_name)),
                    object_label=_object_label(record, related),
                    action=record.history_type,
                    changes=changes,
                    restorable=model is type(meeting) and record.history_type != "-",
                )
            )
            previous[record.id] = record
    entries.sort(key=lambda entry: (entry.date, entry.record.history_id), reverse=True)
    return entries


def _names(ids, target, related):
    return "، ".join(sorted(str(related.get((target, pk), pk)) for pk in ids)) or "—"


def _object_label(record, related):
    """What the record is about, in a few words: a title, a recommendation's text, an organisation or a person."""
    for name in ("title_ar", "text_ar"):
        if hasattr(record, name):
            return (getattr(record, name) or "")[:80]
    labels = []
    for name in ("person", "position", "organization"):
        value = getattr(record, f"{name}_id", None)
        if value is not None:
            history_field = record._meta.get_field(name)
            target = history_field.related_model
            labels.append(str(related.get((target, value), "")))
    return " — ".join(label for label in labels if label) or f"#{record.id}"


def record_in_bulk(model, instances, *, by=None, created=False, deleted=False, reason=None):
    """One historical record for each of ``instances`` (just written with ``bulk_create`` or
    ``bulk_update``, or about to be deleted in one statement when ``deleted``), in a fixed number
    of statements whatever their number: the records, then the state of their many-to-many fields
    (what :func:`recorded_once` writes one by one). ``reason``: their change reason (a workflow move)."""
    instances = list(instances)
    if not instances:
        return []
    records = _RECORDS[model]
    if deleted:  # what simple-history's post_delete receiver writes for each row
        history_model = model.history.model
        now = timezone.now()
        history = history_model.objects.bulk_create([
            history_model(
                history_date=now, history_user=by, history_change_reason="", history_type="-",
                **{field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields},
            )
            for obj in instances
        ])
    else:
        history = model.history.bulk_history_create(
            instances, update=not created, default_user=by, default_change_reason=reason
        )
    for m2m_field in records.get_m2m_fields_from_model(model):
        m2m_history_model = records.m2m_models[m2m_field]
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        columns = [f.attname for f in through._meta.fields]
        rows = {}
        for row in through.objects.filter(**{f"{own}__in": [obj.pk for obj in instances]}).values(*columns):
            rows.setdefault(row[f"{own}_id"], []).append(row)
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(history=record, **row)
                for record, obj in zip(history, instances, strict=True)
                for row in rows.get(obj.pk, [])
            ]
        )
    return history
