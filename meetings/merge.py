"""Three-way merge of a meeting edit that lost the race to another one (the conflict page).

Two people open the same version of a meeting (the *base*); one saves first (*theirs*, the
record as it is now); the other's submission (*mine*) carries the base's ``version``
(meetings/services.py claims versions with ``UPDATE … WHERE version = …``). Instead of
showing the two versions side by side and letting the second save overwrite the first,
:func:`meeting_merge` compares each field of mine and of theirs with the base, which
django-simple-history kept (meetings/history.py):

* a field only one side changed takes that side's value, without asking;
* a field both sides changed to the same value is not a conflict;
* a field both sides changed differently is a :class:`FieldConflict`: the page shows the
  base, their text and mine, and asks which to keep. Texts typed in a text box (summary,
  minutes) may also be kept both (mine, then theirs); that is the preselected answer,
  so submitting the page as shown loses nobody's words. For any other field a choice
  is required: the page comes back until every conflict has an answer.

The merged form carries the current version and, in ``merge_base``, the version the
user started from, so that a conflict still compares with the true base when the page
is submitted; if the record changed yet again meanwhile, the merge runs again against
the newer record and the page comes back with its state.

Related rows (what the formsets hold)
    * Participants and recommendations that *this user did not change* since the base are
      refreshed to their current state before saving: someone else's edit of a
      recommendation's text, or of a participant's statement, is kept. A row this user
      changed keeps this user's values (its current state is shown in the differences
      table, row by row, so that nothing is overwritten unseen).
    * Rows someone else *added* are not in this user's form and are kept (the service
      keeps rows it was not sent, after the submitted ones); rows someone else *deleted*
      are reported as "This row no longer exists" by the formset and are not recreated.
    * Organisations and attachments are compared as they are now (the formset binds to
      the current rows); attachments are never replaced by an edit, only added or removed.
"""

from dataclasses import dataclass

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _

from .forms import FORMSETS, MeetingForm, parse_tags
from .history import _m2m_state

MINE, THEIRS, BOTH = "mine", "theirs", "both"
CHOICES = (
    (MINE, _("Keep my text")),
    (THEIRS, _("Keep their text")),
    (BOTH, _("Keep both: my text, then theirs")),
)
RESOLUTION_FIELD = "resolve-{}"
BASE_FIELD = "merge_base"


@dataclass
class FieldConflict:
    name: str
    label: str
    base: str
    theirs: str
    mine: str
    can_keep_both: bool
    choice: str = ""

    @property
    def input_name(self):
        return RESOLUTION_FIELD.format(self.name)


@dataclass
class Merge:
    data: object  # the merged QueryDict, to bind the form to
    conflicts: list  # FieldConflict, unresolved (or resolved, when ``resolved``)
    theirs_kept: list  # labels of the fields taken from the current record
    resolved: bool  # every conflict has an answer: the data can be saved
    base_found: bool


def _as_data(bound):
    """A form field's (unbound) value as a browser would submit it: a string or a list of strings."""
    value = bound.value()
    widget_value = bound.field.widget.format_value(value)
    if isinstance(value, (list, tuple)) and not isinstance(widget_value, str):
        return [str(v) for v in value]
    if isinstance(widget_value, (list, tuple)):
        return [str(v) for v in widget_value if v not in (None, "")]
    return "" if widget_value is None else str(widget_value)


def _posted(data, bound):
    if getattr(bound.field.widget, "allow_multiple_selected", False):
        return [v for v in data.getlist(bound.html_name) if v != ""]
    return data.get(bound.html_name, "")


def _comparable(name, value):
    if name == "tags":
        return tuple(sorted(parse_tags(value if isinstance(value, str) else " ".join(value))))
    if isinstance(value, (list, tuple)):
        values = sorted(str(v) for v in value if v not in (None, ""))
        if len(values) > 1:
            return tuple(values)
        value = values[0] if values else ""  # a single choice is posted as one value
    text = str(value).replace("\r\n", "\n").strip()
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _display(bound, value):
    values = value if isinstance(value, (list, tuple)) else [value]
    if isinstance(bound.field, (django_forms.ChoiceField, django_forms.ModelChoiceField)):
        labels = {str(key): str(label) for key, label in bound.field.choices}
        return "، ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    return "، ".join(str(v) for v in values if v is not None)


def base_record(meeting, version):
    """The historical record of ``meeting`` at ``version`` (its last one), or None."""
    if version is None:
        return None
    return (
        meeting.history.filter(version=version).order_by("-history_date", "-history_id").first()
    )


def _base_form(record, user):
    """The meeting form as it would have been filled from the historical ``record``."""
    from .models import StakeholderGroup, Tag

    instance = record.instance
    tags = Tag.objects.filter(pk__in=record.tags.values("tag")).order_by("pk")
    groups = StakeholderGroup.objects.filter(pk__in=record.stakeholder_groups.values("stakeholdergroup"))
    initial = {
        "tags": " ".join(f"#{tag.name}" for tag in tags),
        "stakeholder_groups": list(groups.values_list("pk", flat=True)),
    }
    return MeetingForm(instance=instance, initial=initial, user=user)


def meeting_merge(*, meeting, data, user):
    """Merge ``data`` (a submission of the meeting form started from an older version) with the
    current ``meeting``; see the module docstring. Returns a :class:`Merge`."""
    merged = data.copy()
    started_from = data.get(BASE_FIELD) or data.get("version")
    try:
        started_from = int(started_from)
    except (TypeError, ValueError):
        started_from = None
    record = base_record(meeting, started_from)
    current = MeetingForm(instance=meeting, user=user)
    merged["version"] = str(meeting.version)
    if record is None:
        # No base to compare with (a forged or very old version): every difference is a conflict.
        base = None
    else:
        base = _base_form(record, user)
        merged[BASE_FIELD] = str(started_from)
    conflicts, theirs_kept = [], []
    for name in current.fields:
        if name == "version":
            continue
        bound = current[name]
        theirs_value = _as_data(bound)
        mine_value = _posted(data, bound)
        base_value = _as_data(base[name]) if base is not None else None
        theirs_changed = base is None or _comparable(name, theirs_value) != _comparable(name, base_value)
        mine_changed = base is None or _comparable(name, mine_value) != _comparable(name, base_value)
        if not theirs_changed:
            continue
        if not mine_changed:
            _set(merged, bound, theirs_value)
            theirs_kept.append(str(bound.label))
            continue
        if _comparable(name, mine_value) == _comparable(name, theirs_value):
            continue
        can_keep_both = isinstance(bound.field.widget, django_forms.Textarea)
        choice = data.get(RESOLUTION_FIELD.format(name), "")
        if choice not in (MINE, THEIRS, BOTH) or (choice == BOTH and not can_keep_both):
            choice = ""
        conflicts.append(
            FieldConflict(
                name=name,
                label=str(bound.label),
                base=_display(bound, base_value) if base is not None else "",
                theirs=_display(bound, theirs_value),
                mine=_display(bound, mine_value),
                can_keep_both=can_keep_both,
                choice=choice,
            )
        )
        if choice == THEIRS:
            _set(merged, bound, theirs_value)
        elif choice == BOTH:
            merged[bound.html_name] = f"{mine_value.rstrip()}\n\n{theirs_value.lstrip()}"
    _refresh_untouched_rows(merged, data, meeting, record, user)
    resolved = all(conflict.choice for conflict in conflicts)
    if resolved:
        merged.pop(BASE_FIELD, None)
        for conflict in conflicts:
            merged.pop(conflict.input_name, None)
    return Merge(data=merged, conflicts=conflicts, theirs_kept=theirs_kept, resolved=resolved, base_found=record is not None)


def preselect(merge):
    """The answers the page offers before the user chooses: keep both texts where possible."""
    for conflict in merge.conflicts:
        if not conflict.choice and conflict.can_keep_both:
            conflict.choice = BOTH
    return merge


def _set(data, bound, value):
    if isinstance(value, list):
        data.setlist(bound.html_name, value)
    else:
        data[bound.html_name] = value


# --- Rows ------------------------------------------------------------------------------------

# The formsets whose existing rows are refreshed when this user did not change them.
_ROW_FORMSETS = ("participants", "recommendations")


def _rows_at(model, meeting, before):
    """``{pk: historical record}``: each row of ``meeting`` as it was just before ``before``."""
    records = model.history.filter(meeting_id=meeting.pk, history_date__lt=before).order_by("id", "-history_date", "-history_id")
    state = {}
    for record in records:
        state.setdefault(record.id, record)
    return {pk: record for pk, record in state.items() if record.history_type != "-"}


def _refresh_untouched_rows(merged, data, meeting, record, user):
    """Rows this user left as they were at the base take their current values (see the docstring)."""
    if record is None:
        return
    later = meeting.history.filter(version__gt=record.version).order_by("history_date", "history_id").first()
    if later is None:
        return
    before = later.history_date
    for prefix in _ROW_FORMSETS:
        formset = FORMSETS[prefix](instance=meeting, prefix=prefix, user=user)
        model = formset.model
        base_rows = _rows_at(model, meeting, before)
        m2m = {}
        if prefix == "recommendations":
            m2m = _m2m_state(model.history.model, "addressees", "organization", list(base_rows.values()))
        try:
            total = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
        except ValueError:
            continue
        current_forms = {form.instance.pk: form for form in formset.initial_forms}
        for index in range(total):
            row_prefix = f"{prefix}-{index}"
            try:
                pk = int(data.get(f"{row_prefix}-id", ""))
            except ValueError:
                continue
            if pk not in base_rows or pk not in current_forms or data.get(f"{row_prefix}-DELETE"):
                continue
            base_record_row = base_rows[pk]
            current_form = current_forms[pk]
            base_instance = base_record_row.instance
            mine_changed = False
            for name, form_field in current_form.fields.items():
                if name in ("id", "DELETE", "meeting") or form_field.widget.is_hidden and name.endswith("id"):
                    continue
                if not hasattr(base_instance, name) and name != "addressees":
                    continue  # a form-only field (a new person's name): not part of the row
                if name == "addressees":
                    base_value = sorted(m2m.get(base_record_row.history_id, ()))
                else:
                    base_value = form_field.prepare_value(getattr(base_instance, name, None) if not _is_fk(model, name) else getattr(base_instance, f"{name}_id"))
                posted = data.getlist(f"{row_prefix}-{name}") if isinstance(form_field, django_forms.ModelMultipleChoiceField) else data.get(f"{row_prefix}-{name}")
                if form_field.has_changed(base_value, posted):
                    mine_changed = True
                    break
            if mine_changed:
                continue
            for name in current_form.fields:
                if name in ("id", "DELETE", "meeting"):
                    continue
                bound = current_form[name]
                value = _as_data(bound)
                key = f"{row_prefix}-{name}"
                if isinstance(value, list):
                    merged.setlist(key, value)
                elif isinstance(bound.field, django_forms.BooleanField):
                    if bound.value():
                        merged[key] = "on"
                    else:
                        merged.pop(key, None)
                else:
                    merged[key] = value


def _is_fk(model, name):
    try:
        return model._meta.get_field(name).is_relation
    except Exception:  # noqa: BLE001 - a form-only field
        return False

