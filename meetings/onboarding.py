"""A superuser's first run: the first organisation, then its first members.

A fresh installation has a superuser (``make superuser``) and nothing else; the
workspace is built around organisations, so the superuser's dashboard leads to
``staff:welcome`` while there is none. There the superuser creates the organisation
(confirmed at once: a superuser typed it, there is nobody to review it) and is taken
to its members page (views/members.py) to invite its first administrator, who invites
the rest of the team.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .history import attribute_to
from .models import Organization


class FirstOrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name_ar", "name_en", "acronym", "kind"]
        labels = {"name_ar": _("Name in Arabic"), "name_en": _("Name in English")}
        help_texts = {"name_en": _("Optional."), "acronym": _("Optional, e.g. the Latin initials.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_ar"].required = True
        self.fields["name_ar"].widget.attrs.update({"dir": "rtl", "lang": "ar"})
        self.fields["name_en"].widget.attrs.update({"dir": "ltr", "lang": "en"})
        self.fields["acronym"].widget.attrs.update({"dir": "auto"})


def organization_first_create(*, form, by):
    """Save the organisation of ``form`` (a valid ``FirstOrganizationForm``) as confirmed."""
    organization = form.save(commit=False)
    organization.is_pending = False
    attribute_to(organization, by).save()
    return organization
