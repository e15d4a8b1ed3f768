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
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe


class SharedChoices:
    """One queryset's rows, read once, looked up by primary key (as submitted: text)."""

    def __init__(self, queryset):
        self.queryset = queryset
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

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(self.choices, SharedChoiceIterator):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        has_selected = False
        for option_value, label in self.choices.escaped():
            selected = (not has_selected or self.allow_multiple_selected) and option_value in chosen
            has_selected |= selected
            parts.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{label}</option>'
            )
        parts.append("</select>")
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

    def get(self, name, make_queryset):
        if name not in self._shared:
            self._shared[name] = SharedChoices(make_queryset())
        return self._shared[name]

    def use(self, form_field, name, make_queryset):
        """Give ``form_field`` the shared list ``name`` (``make_queryset()`` builds it the first time)."""
        form_field.share(self.get(name, make_queryset))


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
