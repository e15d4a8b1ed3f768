"""The import pages of the staff workspace: upload, preview, confirm, result, templates.

The upload is kept for the user who sent it only (``ImportUpload.objects.of(user)``):
anyone else's key answers 404. The preview and the confirmation both plan the import from
the kept rows against the database as it is then; the confirmation writes only a plan
without errors, all in one transaction (imports/writing.py).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from meetings.protection import WithholdingRefused
from meetings.views.staff import staff_required

from .access import importing_organizations, may_import
from .columns import KINDS
from .models import ImportUpload
from .planning import plan_import
from .reading import FileRefused, max_bytes, read_files
from .template_files import CSV_NAMES, WORKBOOK_NAME, template_file
from .writing import records_import

# Uploads a user may keep waiting at once; older ones are dropped.
KEPT_PER_USER = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImportForm(forms.Form):
    files = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx) or CSV files"),
        widget=MultipleFileInput(attrs={"accept": ".xlsx,.csv"}),
        required=False,
    )

    def __init__(self, *args, files_list=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.files_list = list(files_list)
        self.sheets = self.sha256 = None

    def clean(self):
        total = sum(uploaded.size or 0 for uploaded in self.files_list)
        try:
            if total > max_bytes():
                raise FileRefused(
                    _("The file is too large: at most %(limit)s MB.") % {"limit": f"{settings.IMPORT_MAX_MB:g}"}
                )
            contents = [(uploaded.name or "", uploaded.read()) for uploaded in self.files_list]
            self.sheets, self.sha256 = read_files(contents)
        except FileRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return self.cleaned_data

    @property
    def file_name(self):
        return "، ".join(uploaded.name for uploaded in self.files_list)[:255]


def _page(request, template, context, status=200):
    context.setdefault("workspace_role", getattr(request, "workspace_role", None))
    return render(request, f"imports/{template}", context, status=status)


def _upload(request, key):
    """The user's own upload (404 for anyone else's), if they may still import into its organisation."""
    upload = get_object_or_404(ImportUpload.objects.of(request.user).select_related("organization"), key=key)
    if not may_import(request.user, upload.organization):
        raise Http404
    return upload


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def import_start(request, slug):
    organization = get_object_or_404(importing_organizations(request.user), slug=slug)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, files_list=request.FILES.getlist("files") if posted else ())
    if request.method == "POST" and form.is_valid():
        ImportUpload.objects.expired().filter(state=ImportUpload.State.PREVIEW).delete()
        kept = ImportUpload.objects.of(request.user).filter(state=ImportUpload.State.PREVIEW)
        old = list(kept.values_list("pk", flat=True)[KEPT_PER_USER - 1 :])
        if old:
            ImportUpload.objects.filter(pk__in=old).delete()
        upload = ImportUpload.objects.create(
            user=request.user, organization=organization, file_name=form.file_name, sha256=form.sha256, sheets=form.sheets
        )
        return redirect("staff:import_preview", key=upload.key)
    context = {
        "organization": organization,
        "form": form,
        "kinds": KINDS,
        "workbook_name": WORKBOOK_NAME,
        "csv_names": list(CSV_NAMES),
        "max_mb": f"{settings.IMPORT_MAX_MB:g}",
        "max_rows": settings.IMPORT_MAX_ROWS,
    }
    return _page(request, "start.html", context)


def _preview(request, upload, status=200):
    if upload.is_expired:
        messages.error(request, _("This upload has expired: send the file again."))
        return redirect("staff:import_start", slug=upload.organization.slug)
    plan = plan_import(sheets=upload.sheets, organization=upload.organization, user=request.user)
    context = {"upload": upload, "organization": upload.organization, "plan": plan, "counts": plan.counts()}
    return _page(request, "preview.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@staff_required
def import_preview(request, key):
    upload = _upload(request, key)
    if upload.state == ImportUpload.State.IMPORTED:
        return redirect("staff:import_result", key=upload.key)
    return _preview(request, upload)


@require_POST
@staff_required
def import_confirm(request, key):
    upload = _upload(request, key)
    try:
        with transaction.atomic():
            upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
            if upload.state == ImportUpload.State.IMPORTED:
                return redirect("staff:import_result", key=upload.key)
            if upload.is_expired:
                return _preview(request, upload)
            plan = plan_import(sheets=upload.sheets, organization=upload.organization, user=request.user)
            if plan.has_errors:
                messages.error(request, _("The file has errors: nothing was saved. Correct them and send the file again."))
                return _preview(request, upload)
            records_import(plan=plan, upload=upload)
    except IntegrityError:
        messages.error(request, _("The same rows were imported meanwhile: nothing was saved."))
        return redirect("staff:import_preview", key=upload.key)
    except WithholdingRefused as refusal:  # what names the people it protects (meetings/protection.py)
        messages.error(request, refusal.message)
        return redirect("staff:import_preview", key=upload.key)
    messages.success(request, _("Imported. The meetings are drafts: submit them for review when they are complete."))
    return redirect("staff:import_result", key=upload.key)


@require_http_methods(["GET", "HEAD"])
@staff_required
def import_result(request, key):
    upload = _upload(request, key)
    if upload.state != ImportUpload.State.IMPORTED:
        raise Http404
    context = {"upload": upload, "organization": upload.organization, "result": upload.result}
    return _page(request, "result.html", context)


@require_http_methods(["GET", "HEAD"])
@staff_required
def import_template(request, name):
    found = template_file(name)
    if found is None:
        raise Http404
    content, content_type = found
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
