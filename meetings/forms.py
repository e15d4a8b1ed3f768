"""Forms of the staff workspace: they parse and check what staff typed; services.py writes it.

Every choice a form offers is limited to what the user may use (see the
``usable_by``/``for_user`` querysets), so a forged value for another
organisation's record fails validation like any invalid choice.
"""

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse
from django.utils.text import capfirst, format_lazy, get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.translator import translator

from .models import (
    Attachment,
    Meeting,
    MeetingOrganization,
    Membership,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    RecommendationUpdate,
)
from .date_input import LocalDateField, LocalDateInput
from .form_choices import (
    EntryChoices,
    SharedChoices,
    SharedChoicesMixin,
    SharedModelChoiceField,
    SharedModelMultipleChoiceField,
    SharedRowValidationMixin,
)
from .models.workspace import ORGANISING_ROLES, is_site_administrator, organisers_change_refusals, organizations_of
from .services import Row
from .uploads import ACCEPT_ATTRIBUTE, check_upload

LANGUAGE_NAMES = dict(settings.LANGUAGES)
EXTRA_ROWS = 3
# At most this many rows per section of the meeting form (participants, recommendations…):
# a bigger form is refused with a message before its rows are read (see RowsFormSet).
MAX_ROWS = 200
MAX_ATTACHMENTS = 30


def formfield(db_field, **kwargs):
    """Model fields' form fields, with links assumed to be https:// when typed without a scheme."""
    from django.db import models

    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", LocalDateField)  # the page's language, not the browser's
    return db_field.formfield(**kwargs)


def _translated_base(model, name):
    """``("title", "ar")`` for ``title_ar`` if ``title`` is a translated field of ``model``."""
    base, _sep, language = name.rpartition("_")
    if language in LANGUAGE_NAMES and base in translator.get_options_for_model(model).fields:
        return base, language
    return None


class WorkspaceFormMixin:
    """Labels translated fields «Title (Arabic)», and sets the writing direction of every text box."""

    def style_fields(self):
        model = self._meta.model
        for name, form_field in self.fields.items():
            translated = _translated_base(model, name)
            widget = form_field.widget
            if translated:
                base, language = translated
                form_field.label = format_lazy(
                    "{} ({})", capfirst(model._meta.get_field(base).verbose_name), LANGUAGE_NAMES[language]
                )
                widget.attrs.update({"lang": language, "dir": "rtl" if language == "ar" else "ltr"})
                if language == "en":
                    form_field.required = False
            elif isinstance(widget, (forms.TextInput, forms.Textarea)) and not isinstance(widget, forms.URLInput):
                widget.attrs.setdefault("dir", "auto")
            if isinstance(widget, forms.URLInput):
                widget.attrs.setdefault("dir", "ltr")


class PositionChoiceField(SharedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person} — {obj}"


PICKER_URLS = {"organization": "staff:pick_organizations", "person": "staff:pick_people"}


def picker(form_field, kind, empty_label=None):
    """Mark a choice field for the searchable picker (static/js/picker.js): which look-up feeds it.
    ``position`` has no look-up of its own: the person picker fills it with the post chosen."""
    if empty_label is not None:
        form_field.empty_label = empty_label
    attrs = form_field.widget.attrs
    attrs["data-picker"] = kind
    if kind in PICKER_URLS:
        attrs["data-picker-url"] = reverse(PICKER_URLS[kind])
        attrs["data-picker-placeholder"] = _("Type two letters or more to search")
        attrs["data-picker-empty"] = _("Nothing found. Check the spelling, or type a new name in the box below.")
        attrs["data-picker-remove"] = _("Remove %s")
        attrs["data-picker-count"] = _("Suggestions: %s")


def _own_organizations(user, organizations=None):
    """The organisations ``user`` works for: offered in every organisation menu, however long the list.
    ``organizations``: ``organizations_of(user)`` when the caller has already read it."""
    return Organization.objects.filter(
        pk__in=organizations_of(user) if organizations is None else organizations
    ).order_by("name")


def _organization_menu(user, choices):
    """(make the list, make the pinned organisations) of an organisation menu of the meeting form."""
    return (
        lambda: Organization.objects.usable_by(user, organizations=choices.organizations),
        lambda: _own_organizations(user, organizations=choices.organizations),
    )


def _latest_own_meetings(user, exclude=None, count=30, organizations=None):
    """The newest meetings of ``user``'s organisations but the one whose id is ``exclude``."""
    meetings = Meeting.objects.for_user(user, organizations=organizations).order_by("-date", "-pk")
    if exclude:
        meetings = meetings.exclude(pk=exclude)
    return meetings[:count]


def _usable_meetings(user, exclude=None, organizations=None):
    """Meetings a user may link to: their own, and published ones (but the one whose id is ``exclude``)."""
    meetings = Meeting.objects.filter(
        Q(pk__in=Meeting.objects.for_user(user, organizations=organizations).values("pk"))
        | Q(status=Meeting.Status.PUBLISHED)
    ).order_by("-date", "-pk")
    if exclude:
        meetings = meetings.exclude(pk=exclude)
    return meetings


# --- The meeting ------------------------------------------------------------------

TAG_SEPARATORS = re.compile(r"[\s,،;؛]+")


def parse_tags(text):
    """«#مأرب، #اليمن مشروع_ساند» → ["مأرب", "اليمن", "مشروع_ساند"] (no duplicates, order kept)."""
    names = []
    for word in TAG_SEPARATORS.split(text or ""):
        name = word.strip().lstrip("#").strip()
        if name and name not in names:
            names.append(name)
    return names


class MeetingForm(WorkspaceFormMixin, forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Hashtags separated by spaces or commas, e.g. #مأرب #مشروع_ساند. New ones are created."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        formfield_callback = formfield
        fields = [
            "title_ar",
            "title_en",
            "kind",
            "date",
            "start_time",
            "end_time",
            "governorate",
            "city_ar",
            "city_en",
            "venue_ar",
            "venue_en",
            "project",
            "follows",
            "stakeholder_groups",
            "summary_ar",
            "summary_en",
            "minutes_ar",
            "minutes_en",
            "attendance_total",
            "attendance_women",
            "attendance_men",
            "source_url",
        ]
        widgets = {
            "date": LocalDateInput(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "stakeholder_groups": forms.CheckboxSelectMultiple,
            "summary_ar": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "minutes_ar": forms.Textarea(attrs={"rows": 12}),
            "minutes_en": forms.Textarea(attrs={"rows": 12}),
        }

    GROUPS = [
        (_("The meeting"), ["title_ar", "title_en", "kind", "date", "start_time", "end_time"]),
        (_("Place"), ["governorate", "city_ar", "city_en", "venue_ar", "venue_en"]),
        (_("Context"), ["project", "follows", "stakeholder_groups", "tags"]),
        (_("What was said"), ["summary_ar", "summary_en", "minutes_ar", "minutes_en"]),
        (_("Attendance"), ["attendance_total", "attendance_women", "attendance_men"]),
        (_("Source"), ["source_url"]),
    ]

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def __init__(self, *args, user, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        mine = (choices or EntryChoices(user)).organizations
        self.fields["project"].queryset = Project.objects.usable_by(user, organizations=mine)
        self.fields["project"].empty_label = _("— No project —")
        self.fields["governorate"].empty_label = _("— Choose the governorate —")
        # Every published meeting may be followed up: at national size, a list too long for a
        # menu. A long list shows the chosen meeting and the user's organisations' latest ones.
        follows = SharedModelChoiceField(
            _usable_meetings(user, exclude=self.instance.pk, organizations=mine),
            required=False,
            label=self.fields["follows"].label,
            help_text=self.fields["follows"].help_text,
            empty_label=_("— None —"),
        )
        follows.share(
            SharedChoices(follows.queryset, pinned=_latest_own_meetings(user, exclude=self.instance.pk, organizations=mine))
        )
        follows.widget.note = _("Only the chosen meeting and your organisations' latest meetings are listed here.")
        if self.instance.follows_id:
            follows.shared.want([self.instance.follows_id])
        self.fields["follows"] = follows
        for name in ("attendance_total", "attendance_women", "attendance_men"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if self.instance.pk:
            self.initial.setdefault("tags", " ".join(f"#{tag.name}" for tag in self.instance.tags.all()))
            self.initial.setdefault("version", self.instance.version)
        self.style_fields()

    def clean_tags(self):
        names = parse_tags(self.cleaned_data.get("tags"))
        too_long = [name for name in names if len(name) > 100]
        if too_long:
            raise ValidationError(_("A tag can have at most 100 characters."))
        return names


# --- Rows entered with the meeting ----------------------------------------------


class RowsFormSet(BaseInlineFormSet):
    """An inline formset whose rows share one evaluation of their choice lists, and hand
    their cleaned data to the services as :class:`~meetings.services.Row`.

    The choice lists come from ``choices`` (an :class:`~meetings.form_choices.EntryChoices`,
    shared by the formsets of one meeting form). More than ``max_num`` rows submitted
    (``TOTAL_FORMS`` is the browser's word, so it may say 100,000) are refused before
    any extra row is built: only the rows already stored are read back, with a message.
    """

    section_title = ""
    row_title = _("Row %(number)s")  # each section names its rows («التوصية 1») and its button
    add_label = _("Add a row")

    def row_legend(self, number):
        return self.row_title % {"number": number}

    def __init__(self, *args, user, choices=None, **kwargs):
        self.user = user
        self._choices = {}
        self.choices = choices or EntryChoices(user)
        kwargs.setdefault("form_kwargs", {}).update(user=user, choices=self.choices)
        super().__init__(*args, **kwargs)

    def _submitted_total(self):
        form = self.management_form
        return form.cleaned_data.get("TOTAL_FORMS", 0) if form.is_valid() else 0

    def too_many_rows(self):
        return self.is_bound and self._submitted_total() > self.max_num

    def total_form_count(self):
        if self.too_many_rows():
            return min(self.initial_form_count(), self.max_num)
        return super().total_form_count()

    def full_clean(self):
        super().full_clean()
        if self.too_many_rows():
            message = ngettext(
                "This section can have at most %(max)d row; the form was not saved. Remove rows, "
                "or record the rest in another meeting.",
                "This section can have at most %(max)d rows; the form was not saved. Remove rows, "
                "or record the rest in another meeting.",
                self.max_num,
            ) % {"max": self.max_num}
            self._non_form_errors = self.error_class(
                [ValidationError(message, code="too_many_forms"), *self._non_form_errors],
                error_class="nonform",
                renderer=self.renderer,
            )

    def _share_choices(self, form):
        for name, form_field in form.fields.items():
            if isinstance(form_field, SharedChoicesMixin):
                if form_field.shared is None:
                    self.choices.use(form_field, f"{self.prefix}-{name}", lambda queryset=form_field.queryset: queryset)
                if form.is_bound:
                    # Rows are checked after all are built: fetch what they name in one query.
                    form_field.shared.want(form_field.submitted_values(form, name))
                else:
                    # A long list's menus show only what each row chose: fetched together.
                    initial = form.get_initial_for_field(form_field, name)
                    if initial not in (None, "", [], ()):
                        form_field.shared.want(initial if isinstance(initial, (list, tuple)) else [initial])
            elif isinstance(form_field, forms.ModelChoiceField):
                if name not in self._choices:
                    self._choices[name] = list(form_field.choices)
                form_field.choices = self._choices[name]
        return form

    def _construct_form(self, i, **kwargs):
        return self._share_choices(super()._construct_form(i, **kwargs))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The hidden id of each row: checked against the table like Django's own field,
        # but through the shared lookup (one query for every row, not one per row).
        pk_name = self._pk_field.name
        original = form.fields[pk_name]
        form.fields[pk_name] = SharedModelChoiceField(
            original.queryset, initial=original.initial, required=False, widget=original.widget
        )

    @property
    def empty_form(self):
        return self._share_choices(super().empty_form)

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            # A row that claims to be an existing record this formset does not hold: deleted by
            # someone else meanwhile, or a forged id (of another meeting's record, say).
            if form.instance.pk is None and not self._should_delete_form(form):
                form.add_error(None, _("This row no longer exists: someone else removed it, or the page is out of date."))

    def rows(self):
        rows = []
        for form in self.forms:
            existing = form.instance.pk is not None
            if not existing and not form.has_changed():
                continue  # an extra row left empty
            rows.append(
                Row(
                    instance=form.instance if existing else None,
                    data=getattr(form, "cleaned_data", {}),
                    delete=self.can_delete and self._should_delete_form(form),
                    changed=form.has_changed(),
                )
            )
        return rows


class InvolvementForm(SharedRowValidationMixin, WorkspaceFormMixin, forms.ModelForm):
    summary_fields = ["organization", "new_organization", "role"]
    new_organization = forms.CharField(
        label=_("or a new organisation"),
        required=False,
        max_length=250,
        help_text=_("Its name in Arabic, if it is not in the list. A reviewer confirms it before publication."),
    )
    new_organization_confirmed = forms.BooleanField(
        label=_("It is really a new organisation (none of the similar names offered)"),
        required=False,
    )

    class Meta:
        model = MeetingOrganization
        fields = ["organization", "role"]
        field_classes = {"organization": SharedModelChoiceField}

    def __init__(self, *args, user, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.similar = []
        choices = choices or EntryChoices(user)
        choices.use(self.fields["organization"], "organizations", *_organization_menu(user, choices))
        self.fields["organization"].required = False
        picker(self.fields["organization"], "organization", _("— Choose an organisation —"))
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        organization, new_name = cleaned.get("organization"), (cleaned.get("new_organization") or "").strip()
        if organization and new_name:
            self.add_error("new_organization", _("Choose an organisation from the list or type a new one, not both."))
        elif not organization and not new_name and "organization" not in self.errors:
            self.add_error("organization", _("Choose an organisation or type the name of a new one."))
        elif new_name and (existing := self._same_name(new_name)) is not None:
            # The name of a known organisation, in any spelling: it is that one, not a new one
            # (how the form is used without JavaScript when the list is too long for a menu).
            cleaned["organization"], cleaned["new_organization"] = existing, ""
            self.instance.organization = existing
        elif new_name and not cleaned.get("new_organization_confirmed"):
            self._offer_similar(new_name)
        return cleaned

    def _same_name(self, new_name):
        """The one usable organisation whose name is ``new_name`` once normalised, or None."""
        from .pickers import organizations_named

        found = organizations_named(self.user, new_name)
        return found[0] if len(found) == 1 else None

    def _offer_similar(self, new_name):
        """Before a new organisation is created, offer the existing ones with a close name."""
        from .similarity import similar_organizations

        self.similar = similar_organizations(new_name, Organization.objects.usable_by(self.user))
        # A long list's menu shows them, so that "choose one from the list" can be done without JavaScript.
        self.fields["organization"].widget.extra = self.similar
        if self.similar:
            names = get_text_list([f"«{organization}»" for organization in self.similar], _("or"))
            self.add_error(
                "new_organization",
                ValidationError(
                    _(
                        "Organisations with a close name already exist: %(names)s. Choose one of them from "
                        "the list above, or tick “It is really a new organisation” to create “%(name)s”."
                    ),
                    code="similar_organization",
                    params={"names": names, "name": new_name},
                ),
            )


class InvolvementFormSet(RowsFormSet):
    section_title = _("Organisations involved")
    row_title = _("Organisation %(number)s")
    add_label = _("Add an organisation")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        organising = [
            form.cleaned_data
            for form in self.forms
            if (form.has_changed() or form.instance.pk)
            and not self._should_delete_form(form)
            and form.cleaned_data.get("role") in ORGANISING_ROLES
        ]
        if not organising:
            raise ValidationError(_("Name at least one organisation that organises or co-organises the meeting."))
        if self.instance.pk and self.instance.status == Meeting.Status.PUBLISHED and any(
            (form.cleaned_data.get("new_organization") or "").strip()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ):
            raise ValidationError(
                _(
                    "A published meeting cannot name a new organisation before a reviewer confirms it. "
                    "Choose an existing organisation, or unpublish the meeting first."
                )
            )
        if is_site_administrator(self.user):
            return
        mine = set(self.choices.organizations or ())
        if not any(row.get("organization") and row["organization"].pk in mine for row in organising):
            raise ValidationError(
                _("One of your organisations must organise or co-organise the meeting, or you could not open it again.")
            )
        if self.instance.pk:
            # A new organisation typed in a row has no members yet: it changes nobody's role.
            after = [row["organization"].pk for row in organising if row.get("organization")]
            if refusals := organisers_change_refusals(self.user, self.instance, after):
                raise ValidationError(refusals)


class ParticipationForm(SharedRowValidationMixin, WorkspaceFormMixin, forms.ModelForm):
    summary_fields = ["person", "new_person_name", "position", "new_position_title", "organization", "statement_ar"]
    new_person_name = forms.CharField(
        label=_("or a new person"), required=False, max_length=200, help_text=_("Full name in Arabic.")
    )
    new_person_public = forms.BooleanField(
        label=_("May be named publicly"),
        required=False,
        help_text=_("Tick only for officials speaking in public. Everyone else stays protected: never named on the public site."),
    )
    new_position_title = forms.CharField(
        label=_("or a new post"),
        required=False,
        max_length=250,
        help_text=_("The post held that day, e.g. «مدير عام مكتب حقوق الإنسان»."),
    )

    class Meta:
        model = Participation
        fields = ["person", "position", "organization", "role", "statement_ar", "statement_en"]
        field_classes = {
            "person": SharedModelChoiceField,
            "position": PositionChoiceField,
            "organization": SharedModelChoiceField,
        }
        widgets = {
            "statement_ar": forms.Textarea(attrs={"rows": 3}),
            "statement_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or EntryChoices(user)
        choices.use(self.fields["person"], "people", lambda: Person.objects.usable_by(user, organizations=choices.organizations))
        choices.use(
            self.fields["position"],
            "positions",
            lambda: Position.objects.usable_by(user, organizations=choices.organizations).select_related(
                "person", "organization"
            ),
        )
        choices.use(self.fields["organization"], "organizations", *_organization_menu(user, choices))
        picker(self.fields["person"], "person", _("— Choose a person —"))
        picker(self.fields["position"], "position", _("— Choose a post —"))
        picker(self.fields["organization"], "organization", _("— Choose an organisation —"))
        self.style_fields()

    def _uses_new_person(self):
        return bool((self.cleaned_data.get("new_person_name") or "").strip())

    def clean(self):
        cleaned = super().clean()
        person, position = cleaned.get("person"), cleaned.get("position")
        new_person = (cleaned.get("new_person_name") or "").strip()
        new_post = (cleaned.get("new_position_title") or "").strip()
        if person and new_person:
            self.add_error("new_person_name", _("Choose a person from the list or add a new one, not both."))
        if position and new_post:
            self.add_error("new_position_title", _("Choose a post from the list or type a new one, not both."))
        if new_post and not (person or new_person or position):
            self.add_error("new_position_title", _("Say whose post this is: choose a person or add a new one."))
        if position and new_person:
            self.add_error("position", _("A post from the list belongs to someone else; type the new person's post instead."))
        elif position and person and position.person_id != person.pk:
            self.add_error("position", _("This post belongs to someone else: choose one of the person's own posts."))
        if cleaned.get("new_person_public") and not new_person:
            self.add_error("new_person_public", _("This applies to a new person only."))
        if not (person or position or new_person or cleaned.get("organization")) and not self.errors:
            raise ValidationError(_("Choose a person, a post or an organisation."))
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self._uses_new_person() or (self.cleaned_data.get("new_position_title") or "").strip():
            # The person or post is created when the meeting is saved.
            exclude.update({"person", "position"})
        return exclude


class ParticipationFormSet(RowsFormSet):
    section_title = _("Participants")
    row_title = _("Participant %(number)s")
    add_label = _("Add a participant")


class RecommendationForm(SharedRowValidationMixin, WorkspaceFormMixin, forms.ModelForm):
    summary_fields = ["text_ar", "text_en", "addressees", "due_date"]
    class Meta:
        model = Recommendation
        fields = ["text_ar", "text_en", "kind", "theme", "addressees", "priority", "due_date"]
        widgets = {
            "text_ar": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "due_date": LocalDateInput(),
            "addressees": forms.SelectMultiple(attrs={"size": 5}),
        }
        field_classes = {
            "theme": SharedModelChoiceField,
            "addressees": SharedModelMultipleChoiceField,
            "due_date": LocalDateField,
        }

    def __init__(self, *args, user, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or EntryChoices(user)
        choices.use(self.fields["addressees"], "organizations", *_organization_menu(user, choices))
        picker(self.fields["addressees"], "organization")
        self.fields["addressees"].help_text = _(
            "The organisations responsible for acting on it. Type to search; choose as many as needed "
            "(without JavaScript, hold Ctrl, or ⌘ on a Mac, to choose several)."
        )
        if "theme" in self.fields:
            self.fields["theme"].empty_label = _("— No theme —")
        self.style_fields()


class RecommendationFormSet(RowsFormSet):
    section_title = _("Recommendations")
    row_title = _("Recommendation %(number)s")
    add_label = _("Add a recommendation")


class AttachmentForm(WorkspaceFormMixin, forms.ModelForm):
    summary_fields = ["title", "kind", "is_public"]
    class Meta:
        model = Attachment
        fields = ["kind", "title", "file", "is_public"]

    def __init__(self, *args, user, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the file's name.")
        self.fields["file"].widget = forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
        self.link = None
        if self.instance.pk:
            # A stored file is replaced by deleting the row and adding a new one; the row
            # links to the file instead of showing its storage name.
            del self.fields["file"]
            self.link = (self.instance.get_staff_url(), self.instance.title)
        self.style_fields()

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and not self.instance.pk:
            check_upload(uploaded)
        return uploaded


class AttachmentFormSet(RowsFormSet):
    section_title = _("Attachments")
    row_title = _("Attachment %(number)s")
    add_label = _("Add an attachment")


def _formset(model, form, formset, extra=EXTRA_ROWS, max_num=MAX_ROWS):
    return inlineformset_factory(
        Meeting,
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=max_num,
        absolute_max=max_num,
        validate_max=True,
    )


FORMSETS = {
    "organizations": _formset(MeetingOrganization, InvolvementForm, InvolvementFormSet),
    "participants": _formset(Participation, ParticipationForm, ParticipationFormSet),
    "recommendations": _formset(Recommendation, RecommendationForm, RecommendationFormSet),
    "attachments": _formset(Attachment, AttachmentForm, AttachmentFormSet, extra=2, max_num=MAX_ATTACHMENTS),
}


def oversized_formsets(data):
    """The prefixes of the formsets whose ``TOTAL_FORMS`` in ``data`` is far beyond their maximum
    (more than twice it): no page sends that, so the view refuses at once, before building a
    form. A count just above the maximum gets the form back with a message (RowsFormSet)."""
    oversized = []
    for prefix, factory in FORMSETS.items():
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
        except (TypeError, ValueError):
            continue  # the management form reports it
        if total > 2 * factory.max_num:
            oversized.append(prefix)
    return oversized


class MeetingEntry:
    """The one-page meeting form: the meeting's fields and every formset, bound or not."""

    def __init__(self, *, user, instance=None, data=None, files=None):
        self.instance = instance or Meeting()
        # One evaluation of each choice list (usable organisations, people…) for every row.
        choices = EntryChoices(user)
        self.form = MeetingForm(data, files, instance=self.instance, user=user, choices=choices)
        querysets = {}
        if self.instance.pk:
            querysets = {
                "participants": self.instance.participations.select_related("person", "position"),
                "recommendations": self.instance.recommendations.prefetch_related("addressees"),
            }
        self.formsets = {
            prefix: factory(
                data, files, instance=self.instance, prefix=prefix, user=user, choices=choices, queryset=querysets.get(prefix)
            )
            for prefix, factory in FORMSETS.items()
        }
        if data is not None:
            for formset in self.formsets.values():
                formset.forms  # noqa: B018 — build every row first: the choices they name are fetched together

    def is_valid(self):
        valid = self.form.is_valid()
        return all([formset.is_valid() for formset in self.formsets.values()]) and valid

    def save_kwargs(self):
        """What ``services.meeting_save`` needs, from the cleaned data."""
        data = self.form.cleaned_data
        return {
            "meeting": self.form.instance,
            "version": data.get("version"),
            "tags": data["tags"],
            "stakeholder_groups": data["stakeholder_groups"],
            "involvements": self.formsets["organizations"].rows(),
            "participations": self.formsets["participants"].rows(),
            "recommendations": self.formsets["recommendations"].rows(),
            "attachments": self.formsets["attachments"].rows(),
        }

    def differences(self, stored):
        """Field by field and row by row: what ``stored`` (the saved meeting, unbound) says and
        what this entry (the user's input) says."""
        differences = []
        for name in self.form.fields:
            if name == "version":
                continue
            differences.append(Difference(str(self.form[name].label), display_value(stored.form[name]), display_value(self.form[name])))
        for prefix, formset in self.formsets.items():
            saved_rows = [_row_summary(form) for form in stored.formsets[prefix].initial_forms]
            my_rows = [
                _row_summary(form)
                for form in formset.forms
                if (form.instance.pk or form.has_changed()) and not _is_marked_deleted(form)
            ]
            differences.append(Difference(str(formset.section_title), "\n".join(saved_rows), "\n".join(my_rows)))
        return differences

    def error_summary(self):
        """Every error, with the id of the field (or row) it belongs to, for the summary at the top."""
        summary = []
        for message in self.form.non_field_errors():
            summary.append(("", message, "meeting-fields"))
        for name, errors in self.form.errors.items():
            if name == "__all__":
                continue
            bound = self.form[name]
            for message in errors:
                summary.append((bound.label, message, bound.auto_id))
        for prefix, formset in self.formsets.items():
            for message in formset.non_form_errors():
                summary.append((formset.section_title, message, f"section-{prefix}"))
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    row = format_lazy("{} — {} {}", formset.section_title, _("row"), number)
                    if name == "__all__" or form.fields[name].widget.is_hidden:
                        for message in errors:
                            summary.append((row, message, f"row-{form.prefix}"))
                        continue
                    bound = form[name]
                    for message in errors:
                        summary.append((format_lazy("{}: {}", row, bound.label), message, bound.auto_id))
        return summary


# --- Comparing two versions (the conflict page) -----------------------------------


@dataclass
class Difference:
    label: str
    saved: str
    mine: str

    @property
    def differs(self):
        return _normalise(self.saved) != _normalise(self.mine)


def _normalise(text):
    return "\n".join(line.strip() for line in str(text).replace("\r\n", "\n").strip().splitlines())


def display_value(bound):
    """What a form field holds (typed data if bound, else the stored value), as text for a person."""
    value, form_field = bound.value(), bound.field
    if isinstance(form_field, forms.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(form_field, forms.ChoiceField):
        labels = {str(key): str(label) for key, label in form_field.choices}
        values = value if isinstance(value, (list, tuple)) else [value]
        return "، ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(form_field.widget.format_value(value))
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name  # a file
    return str(value)


def _row_summary(form):
    parts = [display_value(form[name]) for name in form.summary_fields if name in form.fields]
    return " · ".join(part for part in parts if part)


def _is_marked_deleted(form):
    return "DELETE" in form.fields and bool(form["DELETE"].data)


# --- Review and follow-up ---------------------------------------------------------


class ReviewCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the editors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=4000,
    )


class MemberInviteForm(forms.Form):
    """Who to invite to an organisation, and in which role (meetings/members.py does the rest)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("A link to choose a password is sent to this address. Someone who already has an account is simply added."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.EDITOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class FollowUpForm(WorkspaceFormMixin, forms.ModelForm):
    """A status update on a recommendation; the view records it with ``Recommendation.set_status``."""

    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("A PDF or a photo (JPEG, PNG, WebP)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    evidence_public = forms.BooleanField(
        label=_("Show the evidence file on the public site"), required=False
    )

    class Meta:
        model = RecommendationUpdate
        formfield_callback = formfield
        fields = ["status", "progress", "date", "note_ar", "note_en", "evidence_url", "meeting"]
        widgets = {
            "date": LocalDateInput(),
            "note_ar": forms.Textarea(attrs={"rows": 4}),
            "note_en": forms.Textarea(attrs={"rows": 4}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
        }

    def __init__(self, *args, user, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.recommendation = recommendation
        # The later meeting where the follow-up was discussed: any published meeting, a list too
        # long for a menu at national size (as the meeting form's «follows»). A long list shows
        # the chosen meeting and the user's organisations' latest ones.
        usable = _usable_meetings(user, exclude=recommendation.meeting_id)
        meeting = SharedModelChoiceField(
            usable,
            required=False,
            label=self.fields["meeting"].label,
            help_text=self.fields["meeting"].help_text,
            empty_label=self.fields["meeting"].empty_label,
        )
        meeting.share(SharedChoices(usable, pinned=_latest_own_meetings(user, exclude=recommendation.meeting_id)))
        meeting.widget.note = _("Only the chosen meeting and your organisations' latest meetings are listed here.")
        chosen = self.data.get(self.add_prefix("meeting")) if self.is_bound else self.instance.meeting_id
        if chosen:
            meeting.shared.want([chosen])
        self.fields["meeting"] = meeting
        self.fields["progress"].required = False
        self.initial.setdefault("status", recommendation.status)
        self.initial.setdefault("progress", recommendation.progress)
        if self.instance.pk and self.instance.evidence_id:
            self.initial.setdefault("evidence_public", self.instance.evidence.is_public)
        self.style_fields()

    def clean_evidence_file(self):
        uploaded = self.cleaned_data.get("evidence_file")
        if uploaded:
            check_upload(uploaded)
        return uploaded

    def follow_up_data(self):
        """The cleaned values, as ``services.recommendation_follow_up_record`` takes them."""
        data = self.cleaned_data
        names = ["status", "progress", "date", "note_ar", "note_en", "evidence_url", "meeting", "evidence_file"]
        return {**{name: data.get(name) for name in names}, "evidence_public": data.get("evidence_public", False)}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("progress") is None:
            status = cleaned.get("status")
            cleaned["progress"] = 100 if status == Recommendation.Status.IMPLEMENTED else self.instance.recommendation.progress
            self.instance.progress = cleaned["progress"]
        return cleaned
