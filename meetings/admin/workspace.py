from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ..models import Attachment, MeetingEvent, Membership
from ..models.security import SecurityEvent, record_security_event
from ..services import attachment_delete
from ..uploads import ACCEPT_ATTRIBUTE, check_upload
from .base import ReadOnlyModelAdmin, SanadModelAdmin, SharedPickersInlineMixin


def _log_membership_saved(request, membership, *, created, old_role=None):
    target = f"{membership.user.get_username()} — {membership.organization} (#{membership.organization_id})"
    if created:
        record_security_event(
            SecurityEvent.Action.MEMBER_ADDED, request=request, target=target, detail=f"role={membership.role} (admin)"
        )
    elif old_role != membership.role:
        record_security_event(
            SecurityEvent.Action.ROLE_CHANGED, request=request, target=target, detail=f"{old_role} → {membership.role} (admin)"
        )


def _log_membership_removed(request, membership):
    target = f"{membership.user.get_username()} — {membership.organization} (#{membership.organization_id})"
    record_security_event(
        SecurityEvent.Action.MEMBER_REMOVED, request=request, target=target, detail=f"role={membership.role} (admin)"
    )


class MembershipFormSet(forms.BaseInlineFormSet):
    """Memberships edited on an organisation's page go to the security log like any other change of role."""

    request = None  # set by MembershipInline.get_formset()

    def save_new(self, form, commit=True):
        membership = super().save_new(form, commit=commit)
        _log_membership_saved(self.request, membership, created=True)
        return membership

    def save_existing(self, form, obj, commit=True):
        old_role = form.initial.get("role")
        membership = super().save_existing(form, obj, commit=commit)
        _log_membership_saved(self.request, membership, created=False, old_role=old_role)
        return membership

    def delete_existing(self, obj, commit=True):
        _log_membership_removed(self.request, obj)
        super().delete_existing(obj, commit=commit)


class MembershipInline(SharedPickersInlineMixin, admin.TabularInline):
    """Who works for the organisation, on the organisation's page."""

    model = Membership
    formset = MembershipFormSet
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})


@admin.register(Membership)
class MembershipAdmin(SanadModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization__kind")
    list_select_related = ("user", "organization")
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organization__name_ar",
        "organization__name_en",
        "organization__acronym_ar",
        "organization__acronym_en",
    )
    autocomplete_fields = ("user", "organization")
    fields = ("user", "organization", "role", "created_at")
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        old_role = form.initial.get("role") if change else None
        super().save_model(request, obj, form, change)
        _log_membership_saved(request, obj, created=not change, old_role=old_role)

    def delete_model(self, request, obj):
        _log_membership_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organization"):
            _log_membership_removed(request, membership)
        super().delete_queryset(request, queryset)


@admin.register(MeetingEvent)
class MeetingEventAdmin(ReadOnlyModelAdmin):
    """The review log, read-only: only the workflow (Meeting.publish() and friends) writes it."""

    list_display = ("meeting", "action", "by", "at")
    list_filter = ("action",)
    list_select_related = ("meeting", "by")
    search_fields = ("meeting__title_ar", "meeting__title_en", "comment", "by__username")
    date_hierarchy = "at"
    fields = ("meeting", "action", "by", "at", "comment")


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ("meeting", "kind", "title", "file", "is_public")
        widgets = {"file": forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE})}

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):
            # Judged by content, as in the staff workspace (meetings/uploads.py).
            self.checked_content_type = check_upload(uploaded)
        return uploaded


@admin.register(Attachment)
class AttachmentAdmin(SanadModelAdmin):
    form = AttachmentForm
    list_display = ("title", "meeting", "kind", "is_public", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("kind", "is_public", "meeting__status")
    list_select_related = ("meeting", "uploaded_by")
    search_fields = ("title", "meeting__title_ar", "meeting__title_en")
    date_hierarchy = "created_at"
    autocomplete_fields = ("meeting",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("meeting", "kind", "title", "file", "is_public")
        return ("meeting", "kind", "title", "is_public", "stored_file", "content_type", "size", "uploaded_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # A stored file is not replaced in place (its name and type are derived
        # from it): delete the attachment and upload the new file instead.
        return ("meeting", "stored_file", "content_type", "size", "uploaded_by", "created_at")

    @admin.display(description=_("file"))
    def stored_file(self, obj):
        # The name only: uploads are served through permission-checking views,
        # never from MEDIA_URL, so a plain link would lead nowhere.
        return obj.file.name

    def save_model(self, request, obj, form, change):
        if not change:
            obj.content_type = form.checked_content_type
            obj.size = obj.file.size
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        attachment_delete(attachment=obj)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            attachment_delete(attachment=attachment)
