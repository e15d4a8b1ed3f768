"""Which organisations and people appear in published records, kept on each of them.

An organisation is public when it appears in at least one published record: it took part
in a published meeting (in any role, or through a speaker), a recommendation of a
published meeting is addressed to it, or it implements or funds the project of a
published meeting. An organisation known only from drafts stays hidden: it may be a
small group whose involvement is not public yet.

That rule (``OrganizationQuerySet.appearing_in_published()``) reads four other tables;
evaluated for every organisation a search or a list touches, it cost more than the rest
of the query. So each organisation stores its answer in ``Organization.is_published``,
which ``Organization.objects.published()`` reads, and every write that can change the
answer recomputes it for the organisations concerned, in the same transaction:

* ``save()`` and ``delete()`` (cascades and ``QuerySet.delete()`` included) of meetings,
  their organisations and participations, and recommendations — the receivers below,
  which compare the organisations concerned before and after the write;
* many-to-many changes of recommendations' addressees and projects' implementers and
  donors, from either side;
* ``update()``, ``bulk_create()`` and ``bulk_update()`` of the same models
  (``PublicityQuerySet``).

A stale ``True`` would disclose an organisation, so the recomputation always starts from
the exact rule, never from the change itself. Every clause of both rules goes through a
published meeting, so the organisations and people a write concerns are those its rows show
through a published meeting, before the write and after it (``concerned``): a write of
drafts alone recomputes nobody. The same is kept for people: ``Person.is_published`` says whether the person took part in
a published meeting (``PersonQuerySet.taking_part_in_published()``), through the same
receivers. ``Person.objects.published()`` still checks the person's *visibility* live, so
a protected person is never public, whatever the stored answer.

Raw SQL and ``loaddata`` bypass all of this: ``manage.py rebuild_search_index`` (and every
``migrate``) recomputes everyone. tests/test_publicity.py checks the stored answers against
the rules after each kind of write.
"""

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .models.base import updating_in_bulk, within_bulk_update

# Per model: the fields whose change can change which organisations or people appear in
# published records.
WATCHED_FIELDS = {
    "meetings.Meeting": ("status", "project"),
    "meetings.MeetingOrganization": ("meeting", "organization"),
    "meetings.Participation": ("meeting", "organization", "person"),
    "meetings.Recommendation": ("meeting",),
}


def _watched_columns(model):
    return [model._meta.get_field(name).attname for name in WATCHED_FIELDS[model._meta.label]]


def _models():
    from .models import Meeting, MeetingOrganization, Participation, Recommendation

    return {
        "meetings.Meeting": Meeting,
        "meetings.MeetingOrganization": MeetingOrganization,
        "meetings.Participation": Participation,
        "meetings.Recommendation": Recommendation,
    }


def _meeting_status(model):
    """The lookup of the status of the meeting a row of ``model`` is (or belongs to)."""
    return "status" if model._meta.label == "meetings.Meeting" else "meeting__status"


def _organizations_of_meetings(meetings, using):
    """The ids of the organisations the meetings of the subquery ``meetings`` show, in one query."""
    from .models import Meeting, MeetingOrganization, Participation, Project, Recommendation

    projects = Meeting._base_manager.using(using).filter(pk__in=meetings).exclude(project=None).values("project_id")
    sources = [
        MeetingOrganization._base_manager.using(using).filter(meeting_id__in=meetings).values_list("organization_id"),
        Participation._base_manager.using(using)
        .filter(meeting_id__in=meetings)
        .exclude(organization=None)
        .values_list("organization_id"),
        Recommendation.addressees.through._base_manager.using(using)
        .filter(recommendation__meeting_id__in=meetings)
        .values_list("organization_id"),
        Project.implementers.through._base_manager.using(using)
        .filter(project_id__in=projects)
        .values_list("organization_id"),
        Project.donors.through._base_manager.using(using)
        .filter(project_id__in=projects)
        .values_list("organization_id"),
    ]
    sources = [source.order_by() for source in sources]
    return {pk for (pk,) in sources[0].union(*sources[1:])}


def concerned(model, pks, *, using="default"):
    """``(organisation ids, person ids)`` that rows ``pks`` of ``model`` show through a published
    meeting, as the database holds them now: read before a write and after it, the only ones
    whose publicity it may change (every clause of both rules goes through a published
    meeting). Rows in drafts show nobody, so a write of drafts alone recomputes nothing."""
    from .models import Meeting, Participation, Recommendation

    pks = [pk for pk in pks if pk is not None]
    label = model._meta.label
    if not pks or label not in WATCHED_FIELDS:
        return set(), set()
    published = Meeting.Status.PUBLISHED
    shown = model._base_manager.using(using).filter(pk__in=pks, **{_meeting_status(model): published})
    if label == "meetings.Meeting":
        people = Participation._base_manager.using(using).filter(meeting_id__in=shown.values("pk")).exclude(person=None)
        return _organizations_of_meetings(shown.values("pk"), using), set(people.values_list("person_id", flat=True))
    if label == "meetings.Recommendation":
        addressees = Recommendation.addressees.through._base_manager.using(using)
        rows = addressees.filter(recommendation_id__in=shown.values("pk"))
        return set(rows.values_list("organization_id", flat=True)), set()
    if label == "meetings.Participation":  # an organisation and a person: one query
        rows = list(shown.values_list("organization_id", "person_id"))
        return {org for org, _person in rows if org is not None}, {person for _org, person in rows if person is not None}
    # An organisation's role in a meeting.
    return set(shown.exclude(organization=None).values_list("organization_id", flat=True)), set()


def in_published(model, pks, *, using="default"):
    """Whether any of rows ``pks`` of ``model`` is, or belongs to, a published meeting, as the
    database holds them now (one query; none for no rows)."""
    from .models import Meeting

    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return False
    return model._base_manager.using(using).filter(pk__in=pks, **{_meeting_status(model): Meeting.Status.PUBLISHED}).exists()


def _refresh(model, rule, pks, using):
    rows = model._base_manager.using(using).order_by()
    if pks is not None:
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            return 0
        rows = rows.filter(pk__in=pks)
        # The rule for these rows only: as ``NOT IN`` over the rule of every row, PostgreSQL
        # evaluated it for all 5,000 organisations (a hashed subplan, 0.4-1 s at 100k) to
        # recompute the 15 of one meeting.
        rule = rule.filter(pk__in=pks)
    shown = rule.order_by().values("pk")
    with transaction.atomic(using=using):
        # The rows are listed first: the spelling vocabulary follows what is published.
        hidden = list(rows.filter(is_published=True).exclude(pk__in=shown).values_list("pk", flat=True))
        disclosed = list(rows.filter(is_published=False).filter(pk__in=shown).values_list("pk", flat=True))
        if hidden:
            model._base_manager.using(using).filter(pk__in=hidden).update(is_published=False)
        if disclosed:
            model._base_manager.using(using).filter(pk__in=disclosed).update(is_published=True)
        if hidden or disclosed:
            from .vocabulary import vocabulary_publicity_changed

            vocabulary_publicity_changed(model, disclosed=disclosed, hidden=hidden, using=using)
    return len(hidden) + len(disclosed)


def refresh_organizations(pks=None, *, using="default"):
    """Recompute ``is_published`` of organisations ``pks`` (all when None) from the exact rule.

    Two statements, whatever the number; returns how many organisations changed."""
    from .models import Organization

    return _refresh(Organization, Organization.objects.using(using).appearing_in_published(), pks, using)


def refresh_people(pks=None, *, using="default"):
    """Recompute ``is_published`` (took part in a published meeting) of people ``pks`` (all when None)."""
    from .models import Person

    return _refresh(Person, Person.objects.using(using).taking_part_in_published(), pks, using)


def refresh(before=(set(), set()), after=(set(), set()), *, using="default"):
    """Recompute the organisations and people of ``before`` and ``after`` (pairs from ``concerned``)."""
    refresh_organizations(before[0] | after[0], using=using)
    refresh_people(before[1] | after[1], using=using)


def refresh_all(*, using="default"):
    return refresh_organizations(using=using) + refresh_people(using=using)


class StoredPublicity(models.Model):
    """For Organization and Person: ``save()`` never writes ``is_published``.

    An instance read before a meeting was published or withdrawn holds the old answer;
    saved as it is, it would write that answer back (and a stale ``True`` discloses). So an
    update writes every field but this one, which only ``refresh_*`` write.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and not self._state.adding and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "is_published"
            ]
        super().save(*args, **kwargs)


def _touches(model, fields):
    """Whether a write of ``fields`` (names or column names; None: all) may change publicity."""
    if fields is None:
        return True
    return not {*WATCHED_FIELDS[model._meta.label], *_watched_columns(model)}.isdisjoint(fields)


class PublicityQuerySet(models.QuerySet):
    """``update()``, ``bulk_create()`` and ``bulk_update()`` that keep organisations' publicity."""

    def update(self, **kwargs):
        if not _touches(self.model, kwargs) or within_bulk_update(self):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            before = concerned(self.model, pks, using=self.db)
            count = super().update(**kwargs)
            refresh(before, concerned(self.model, pks, using=self.db), using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            pks = [obj.pk for obj in created]
            if None in pks:  # a backend that does not return ids: check everyone
                refresh_all(using=self.db)
            else:
                refresh(after=concerned(self.model, pks, using=self.db), using=self.db)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not _touches(self.model, fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs = list(objs)
        pks = [obj.pk for obj in objs]
        with transaction.atomic(using=self.db):
            before = concerned(self.model, pks, using=self.db)
            with updating_in_bulk(self):
                count = super().bulk_update(objs, fields, *args, **kwargs)
            refresh(before, concerned(self.model, pks, using=self.db), using=self.db)
        return count


# --- Receivers -----------------------------------------------------------------------------


def _before_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    if raw or instance.pk is None or not _touches(sender, update_fields):
        return
    from .models import Meeting

    columns = _watched_columns(sender)
    # The watched columns as stored, and the status of the meeting the row is in (a
    # meeting's own status is one of its columns: values_list would not repeat it).
    status = _meeting_status(sender)
    read = [*columns, status] if status not in columns else columns
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values_list(*read).first()
    if stored is None:  # a new row with its pk set: as a new row
        return
    stored = dict(zip(read, stored))
    if all(stored[column] == getattr(instance, column) for column in columns):
        # Most saves (an edited title, a recommendation's progress) change none of what
        # decides who is public: one query instead of recomputing.
        instance._publicity_unchanged = True
        return
    if stored[status] == Meeting.Status.PUBLISHED:
        # What the row showed before the change (the database still holds the old row);
        # in a meeting that is not published, nobody.
        instance._publicity_before = concerned(sender, [instance.pk], using=using)


def _after_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    if raw or not _touches(sender, update_fields) or instance.__dict__.pop("_publicity_unchanged", False):
        return
    before = instance.__dict__.pop("_publicity_before", (set(), set()))
    refresh(before, concerned(sender, [instance.pk], using=using), using=using)


def _before_delete(sender, instance, using="default", **kwargs):
    instance._publicity_before = concerned(sender, [instance.pk], using=using)


def _after_delete(sender, instance, using="default", **kwargs):
    refresh(instance.__dict__.pop("_publicity_before", (set(), set())), using=using)


def _after_organizations_change(sender, instance, action, reverse, pk_set=None, using="default", **kwargs):
    """Recommendation addressees, project implementers and donors: ``pk_set`` holds the
    organisations (forward) or the recommendations/projects (reverse: ``instance`` is
    the organisation)."""
    if reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh_organizations([instance.pk], using=using)
        return
    if action == "pre_clear":
        if _shown_through(sender, instance, using):
            field = _organization_field(sender)
            instance._publicity_cleared = set(
                sender._base_manager.using(using).filter(**{field: instance.pk}).values_list("organization_id", flat=True)
            )
    elif action in ("post_add", "post_remove"):
        if pk_set and _shown_through(sender, instance, using):
            refresh_organizations(pk_set, using=using)
    elif action == "post_clear":
        refresh_organizations(instance.__dict__.pop("_publicity_cleared", set()), using=using)


def _shown_through(through, instance, using):
    """Whether a published meeting shows the organisations ``through`` links to ``instance``:
    it is a recommendation of a published meeting, or the project of at least one. If not,
    adding or removing them cannot change their publicity."""
    from .models import Meeting, Recommendation

    if through is Recommendation.addressees.through:
        return in_published(Recommendation, [instance.pk], using=using)
    meetings = Meeting._base_manager.using(using).filter(project_id=instance.pk, status=Meeting.Status.PUBLISHED)
    return meetings.exists()


def _organization_field(through):
    """The through model's column that is not the organisation (recommendation or project)."""
    return next(
        f.attname for f in through._meta.concrete_fields if f.is_relation and f.name != "organization"
    )


def refresh_after_migrate(sender, using="default", apps=None, plan=None, **kwargs):
    """Recompute everyone after ``migrate``: rows may have come in without ``save()``. Not
    when it applied nothing (as tallies.rebuild_after_migrate says)."""
    if plan == []:
        return
    try:
        if apps is not None:
            apps.get_model("meetings", "Organization")._meta.get_field("is_published")
            apps.get_model("meetings", "Person")._meta.get_field("is_published")
    except (LookupError, Exception):  # migrated back to before the fields existed
        return
    refresh_all(using=using)


def connect():
    """Connect the receivers (from MeetingsConfig.ready())."""
    from .models import Project, Recommendation

    for label, model in _models().items():
        uid = f"publicity-{label.lower()}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Recommendation.addressees.through, Project.implementers.through, Project.donors.through):
        m2m_changed.connect(
            _after_organizations_change, sender=through, dispatch_uid=f"publicity-{through._meta.label_lower}"
        )
