"""Choice lists shared by every row of the one-page meeting form.

A meeting form with a hundred participant rows has a hundred «person», «post» and
«organisation» menus. Built the ordinary way, each row evaluates its own querysets
(and checks who the user is to build them), and validating each row looks every
chosen value up again, one query per menu per row: hundreds of queries for one page.

Here one :class:`EntryChoices` per request holds one :class:`SharedChoices` per kind
of choice (usable organisations, people, posts…). Its rows are read at most once:
all of them when a page renders the menus, or — when a form is submitted — only the
values the rows name, fetched together in one query before the first row is checked.
The field classes below read and check their values there; what a user may choose is
still decided by the same ``usable_by`` querysets, so a forged value fails exactly as
before.

At national size a list is too long to be a menu (5,000 organisations, 10,000 people in
every row of a hundred). A list longer than ``PICKER_MENU_LIMIT`` is therefore rendered
with only the options a row has chosen (and the user's own organisations): the
searchable picker (static/js/picker.js) finds the others through the workspace's
look-up endpoints (meetings/pickers.py). Reading whether a list is long costs one small
query; the chosen options of every row are fetched together.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


class SharedChoices:
    """One queryset's rows, read once, looked up by primary key (as submitted: text)."""

    def __init__(self, queryset, pinned=None):
        self.queryset = queryset
        self._pinned_queryset = pinned  # offered in a long list's menu whatever is chosen
        self._pinned = None
        self._large = None
        self._all = None  # every row, in the queryset's order, once read
        self._by_key = {}
        self._wanted = set()  # keys named by submitted rows, not fetched yet
        self._missing = set()  # keys known not to be in the queryset
        self.options = {}  # (field class, empty label) -> the menu's options (SharedChoiceIterator)

    def _key(self, value):
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            return str(self.queryset.model._meta.pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return None

    def want(self, values):
        """Note keys that submitted rows name: the first lookup fetches them all at once."""
        for value in values:
            key = self._key(value)
            if key is not None and key not in self._by_key and key not in self._missing:
                self._wanted.add(key)

    def is_large(self):
        """Whether the list is too long for a menu (one query, once)."""
        if self._large is None:
            limit = settings.PICKER_MENU_LIMIT
            if self._all is not None:
                self._large = len(self._all) > limit
            else:
                self._large = len(self.queryset.order_by().values_list("pk", flat=True)[: limit + 1]) > limit
        return self._large

    @property
    def pinned(self):
        if self._pinned is None:
            self._pinned = list(self._pinned_queryset) if self._pinned_queryset is not None else []
            for obj in self._pinned:
                self._by_key.setdefault(str(obj.pk), obj)
        return self._pinned

    @property
    def objects(self):
        if self._all is None:
            self._all = list(self.queryset)
            self._by_key = {str(obj.pk): obj for obj in self._all}
            self._wanted.clear()
        return self._all

    def get(self, value):
        """The row with this key, or None if the queryset does not offer it."""
        key = self._key(value)
        if key is None:
            return None
        if key in self._by_key or self._all is not None:
            return self._by_key.get(key)
        if key in self._missing:
            return None
        wanted = self._wanted | {key}
        self._wanted = set()
        found = {str(obj.pk): obj for obj in self.queryset.filter(pk__in=wanted)}
        self._by_key.update(found)
        self._missing.update(wanted - found.keys())
        return found.get(key)


class SharedChoiceIterator(ModelChoiceIterator):
    """The menu's options, built once per kind of field and shared by every row."""

    def __iter__(self):
        shared = self.field.shared
        key = (type(self.field), self.field.empty_label)
        options = shared.options.get(key)
        if options is None:
            options = [self.choice(obj) for obj in shared.objects]
            if self.field.empty_label is not None:
                options.insert(0, ("", self.field.empty_label))
            shared.options[key] = options
        return iter(options)

    def __len__(self):
        return len(self.field.shared.objects) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.shared.objects)


    def escaped(self):
        """``[(value, escaped label)]``: the options ready for HTML, built once per kind of field."""
        shared = self.field.shared
        key = ("html", type(self.field), self.field.empty_label)
        options = shared.options.get(key)
        if options is None:
            options = [(str(value), conditional_escape(label)) for value, label in self]
            shared.options[key] = options
        return options


class FastOptionsMixin:
    """A menu that writes its options directly rather than through one template per option.

    A form of a hundred rows has tens of thousands of options; rendered by Django's option
    template they take seconds. The HTML is the same (attributes in sorted order)."""

    extra = ()  # objects a row offers besides the list (close names to choose from), set by its form
    note = None  # what a long list's menu says it holds (a default below)

    def _short_options(self, chosen):
        """A long list's menu: the empty choice, what the row chose, the pinned and extra objects."""
        field = self.choices.field
        shared = field.shared
        options = [] if field.empty_label is None else [("", conditional_escape(field.empty_label))]
        seen = set()
        objects = [shared.get(key) for key in chosen] + list(shared.pinned) + list(self.extra)
        for obj in objects:
            if obj is None or str(obj.pk) in seen:
                continue
            seen.add(str(obj.pk))
            options.append((str(obj.pk), conditional_escape(field.label_from_instance(obj))))
        return options

    def use_required_attribute(self, initial):
        # Django's Select reads the first option to decide, which would build the whole menu
        # (every meeting, person or organisation of the country) for a list too long to show.
        # The first option is the empty one exactly when the field has an empty label.
        if not isinstance(self.choices, SharedChoiceIterator):
            return super().use_required_attribute(initial)
        required = forms.Widget.use_required_attribute(self, initial)
        if self.allow_multiple_selected:
            return required
        return required and self.choices.field.empty_label is not None

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(self.choices, SharedChoiceIterator):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = [str(v) for v in self.format_value(value)]
        large = self.choices.field.shared.is_large()
        if large:
            final_attrs["data-picker-short"] = "1"
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        has_selected = False
        options = self._short_options(chosen) if large else self.choices.escaped()
        for option_value, label in options:
            selected = (not has_selected or self.allow_multiple_selected) and option_value in chosen
            has_selected |= selected
            parts.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{label}</option>'
            )
        parts.append("</select>")
        if large:
            parts.append(
                format_html(
                    '<p class="help picker-note" data-picker-note>{}</p>',
                    self.note
                    or _("Only what is already chosen is listed here. Type to search (with JavaScript), or enter a new name below."),
                )
            )
        return mark_safe("\n".join(parts))  # noqa: S308 — every part is escaped above


class SharedSelect(FastOptionsMixin, forms.Select):
    pass


class SharedSelectMultiple(FastOptionsMixin, forms.SelectMultiple):
    pass


FAST_WIDGETS = {forms.Select: SharedSelect, forms.SelectMultiple: SharedSelectMultiple}


class SharedChoicesMixin:
    """A model choice field that reads its choices from ``shared`` once it is given one."""

    shared = None

    def share(self, shared):
        self.shared = shared
        self.iterator = SharedChoiceIterator
        fast = FAST_WIDGETS.get(type(self.widget))
        if fast is not None:
            widget = fast(attrs=self.widget.attrs)
            widget.is_required = self.widget.is_required
            self.widget = widget
        self.queryset = shared.queryset  # lazy; also resets the widget's choices to the iterator

    def submitted_values(self, form, name):
        value = self.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        if value is None:
            return []
        return value if isinstance(value, (list, tuple)) else [value]


class SharedModelChoiceField(SharedChoicesMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if self.shared is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        obj = self.shared.get(value)
        if obj is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return obj


class SharedModelMultipleChoiceField(SharedChoicesMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if self.shared is None:
            return super()._check_values(value)
        try:
            value = list(dict.fromkeys(value))
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        chosen = []
        for pk in value:
            self.validate_no_null_characters(pk)
            obj = self.shared.get(pk)
            if obj is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
            chosen.append(obj)
        return chosen


class EntryChoices:
    """The shared choice lists of one meeting form (one request), built on first use."""

    def __init__(self, user):
        self.user = user
        self._shared = {}

    @cached_property
    def organizations(self):
        """``organizations_of(user)``, read once for every menu and check of the form (None for a
        site administrator, whose menus are not narrowed by organisation)."""
        from .models.workspace import is_site_administrator, organizations_of

        if not getattr(self.user, "is_authenticated", False) or is_site_administrator(self.user):
            return None
        return organizations_of(self.user)

    def get(self, name, make_queryset, make_pinned=None):
        if name not in self._shared:
            self._shared[name] = SharedChoices(make_queryset(), pinned=make_pinned() if make_pinned else None)
        return self._shared[name]

    def use(self, form_field, name, make_queryset, make_pinned=None):
        """Give ``form_field`` the shared list ``name`` (``make_queryset()`` builds it the first time;
        ``make_pinned()`` the objects a long list still offers in its menu)."""
        form_field.share(self.get(name, make_queryset, make_pinned))


class SharedRowValidationMixin:
    """For the rows of a formset whose model choice fields are shared.

    The model's own check of each foreign key (``ForeignKey.validate()``: one query per
    key per row) repeats what the shared field already checked against a narrower
    queryset, so it is skipped. Constraints (unique organisation and role, a
    participation naming someone) are checked in the database only for rows that are
    new or changed: an unchanged row is the stored one, which the database already holds
    to them.
    """

    def _shared_foreign_keys(self):
        return {
            name
            for name, form_field in self.fields.items()
            if isinstance(form_field, SharedModelChoiceField) and form_field.shared is not None
        }

    def _post_clean(self):
        # Django's ModelForm._post_clean(), with the two differences described above.
        from django.forms.models import InlineForeignKeyField, construct_instance

        opts = self._meta
        exclude = self._get_validation_exclusions()
        for name, form_field in self.fields.items():
            if isinstance(form_field, InlineForeignKeyField):
                exclude.add(name)
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=exclude | self._shared_foreign_keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
        if self.instance.pk is None or self.has_changed():
            try:
                self.instance.validate_constraints(exclude=exclude)
            except ValidationError as error:
                self._update_errors(error)
        if self._validate_unique and (self.instance.pk is None or self.has_changed()):
            self.validate_unique()
