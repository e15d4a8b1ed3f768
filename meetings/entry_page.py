"""The frame of the meeting form's page: its section links, with counts and problems.

The fields and rows themselves are ``forms.MeetingEntry``'s; this reads them to build
the links at the top of the page (``templates/meetings/staff/meeting_form.html``): one
to the meeting's own fields, one per section of rows with how many rows are filled in,
and how many problems each holds after a failed save. ``static/js/entry_page.js``
keeps the counts up to date while the form is filled in.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SectionLink:
    anchor: str
    title: str
    prefix: str = ""  # the formset's prefix; empty for the meeting's own fields
    rows: int | None = None  # rows filled in (sections of rows only)
    problems: int = 0


def _problems(form):
    return sum(len(messages) for messages in form.errors.values()) if form.is_bound else 0


def _filled_rows(formset):
    if not formset.is_bound:
        return formset.initial_form_count()
    deleting = {form.prefix for form in formset.forms if formset.can_delete and formset._should_delete_form(form)}
    return sum(
        1
        for index, form in enumerate(formset.forms)
        if form.prefix not in deleting and (index < formset.initial_form_count() or form.has_changed())
    )


def entry_sections(entry):
    """The section links of the meeting form ``entry`` (a ``forms.MeetingEntry``)."""
    links = [SectionLink("meeting-fields", _("The meeting"), problems=_problems(entry.form))]
    for prefix, formset in entry.formsets.items():
        problems = len(formset.non_form_errors()) + sum(_problems(form) for form in formset.forms) if formset.is_bound else 0
        links.append(
            SectionLink(f"section-{prefix}", formset.section_title, prefix, rows=_filled_rows(formset), problems=problems)
        )
    return links
