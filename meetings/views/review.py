"""Review of what the workspace would otherwise make public at once: follow-up updates
(and their evidence files) and organisations typed into a meeting's form.

- ``staff:follow_up_approve`` / ``staff:follow_up_return`` (POST): a reviewer (or
  administrator) of an organisation organising the recommendation's meeting;
- ``staff:follow_up_edit`` (GET, POST): the author of a returned or pending update, to
  correct it and submit it again;
- ``staff:organization_review`` (GET): the pending organisations the user may confirm;
- ``staff:organization_confirm`` / ``staff:organization_merge`` (POST): a reviewer (or
  administrator) of an organisation organising a meeting that names the pending one.

Anything else answers 404 (the record is not theirs to see) or 403 (they see it, but
their role does not allow the action). The rules live in the QuerySets
(``RecommendationUpdate.objects.reviewable_by``, ``Organization.objects.confirmable_by``)
and in the services.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import FollowUpForm, ReviewCommentForm
from ..models import Organization, RecommendationUpdate
from search.normalization import normalize
from ..search_refills import refills_waiting
from ..similarity import similar_organizations
from .staff import _render, staff_required

QUEUE_LIMIT = 20
PENDING_PER_PAGE = 20  # organisations awaiting confirmation, per page of organization_review


def review_queue(user):
    """What the dashboard shows of the review of follow-up and organisations (three queries)."""
    return {
        "updates_to_review": list(
            RecommendationUpdate.objects.reviewable_by(user).pending().for_review_list().order_by("created_at", "pk")[
                :QUEUE_LIMIT
            ]
        ),
        "updates_returned": list(
            RecommendationUpdate.objects.filter(author=user)
            .returned()
            .select_related("recommendation__meeting", "reviewed_by")
            .order_by("-reviewed_at", "-pk")[:QUEUE_LIMIT]
        ),
        "organizations_to_confirm": list(
            Organization.objects.confirmable_by(user).order_by("created_at", "pk")[:QUEUE_LIMIT]
        ),
        "update_comment_form": ReviewCommentForm(),
    }


def _update_to_review(request, pk):
    return get_object_or_404(RecommendationUpdate.objects.reviewable_by(request.user), pk=pk)


def _after_review(request):
    return redirect("staff:dashboard")


@require_POST
@staff_required
def follow_up_approve(request, pk):
    update = _update_to_review(request, pk)
    try:
        services.recommendation_update_approve(update=update, by=request.user)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The follow-up update is approved and now public."))
    return _after_review(request)


@require_POST
@staff_required
def follow_up_return(request, pk):
    update = _update_to_review(request, pk)
    form = ReviewCommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.recommendation_update_return(update=update, by=request.user, comment=comment)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The follow-up update was returned to its author with your comment."))
    return _after_review(request)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def follow_up_edit(request, pk):
    update = get_object_or_404(
        RecommendationUpdate.objects.filter(author=request.user).select_related("recommendation__meeting", "evidence"),
        pk=pk,
    )
    if not services.recommendation_update_editable_by(update, request.user):
        raise PermissionDenied(_("This update was approved: record a new update instead."))
    recommendation = update.recommendation
    form = FollowUpForm(
        request.POST or None, request.FILES or None, instance=update, user=request.user, recommendation=recommendation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update_resubmit(update=update, by=request.user, **form.follow_up_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The corrected update was submitted for review again."))
            return redirect("staff:dashboard")
    context = {"recommendation": recommendation, "form": form, "update": update, "timeline": ()}
    return _render(request, "follow_up.html", context)


# --- Organisations awaiting confirmation --------------------------------------------


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"), queryset=Organization.objects.none(), required=False, widget=forms.RadioSelect
    )
    into_name = forms.CharField(
        label=gettext_lazy("or the exact name of another organisation"), required=False, max_length=250
    )

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.organization = organization
        self.fields["into"].queryset = Organization.objects.usable_by(user).confirmed().exclude(pk=organization.pk)

    def clean(self):
        cleaned = super().clean()
        into, name = cleaned.get("into"), (cleaned.get("into_name") or "").strip()
        if into is None and name:
            typed = normalize(name)
            matches = [
                organization
                for organization in similar_organizations(name, self.fields["into"].queryset)
                if normalize(organization.name_ar or "") == typed or normalize(organization.name_en or "") == typed
            ]
            if len(matches) != 1:
                raise ValidationError(_("No confirmed organisation has exactly this name: choose one of those offered."))
            into = cleaned["into"] = matches[0]
        if into is None:
            raise ValidationError(_("Choose the organisation to merge into."))
        return cleaned


@require_http_methods(["GET", "HEAD"])
@staff_required
def organization_review(request):
    # A page at a time: a bulk import can leave hundreds waiting, and each is offered its close names.
    pending = Organization.objects.confirmable_by(request.user).order_by("created_at", "pk")
    page = Paginator(pending, PENDING_PER_PAGE).get_page(request.GET.get("page"))
    usable = Organization.objects.usable_by(request.user).confirmed()
    rows = [
        (organization, similar_organizations(organization.name_ar or organization.name, usable.exclude(pk=organization.pk)))
        for organization in page
    ]
    context = {"rows": rows, "page": page, "workspace_section": "organizations"}
    return _render(request, "organization_review.html", context)


def _organization_to_confirm(request, pk):
    return get_object_or_404(Organization.objects.confirmable_by(request.user), pk=pk)


@require_POST
@staff_required
def organization_confirm(request, pk):
    organization = _organization_to_confirm(request, pk)
    services.organization_confirm(organization=organization, by=request.user)
    messages.success(request, _("“%(name)s” is confirmed as a new organisation.") % {"name": organization})
    if waiting := organization.__dict__.pop("_search_refills_waiting", 0):
        messages.info(request, refills_waiting(waiting))
    return redirect("staff:organization_review")


@require_POST
@staff_required
def organization_merge(request, pk):
    organization = _organization_to_confirm(request, pk)
    form = MergeForm(request.POST, user=request.user, organization=organization)
    if not form.is_valid():
        for message in form.non_field_errors():
            messages.error(request, message)
        for name, errors in form.errors.items():
            if name != "__all__":
                messages.error(request, errors[0])
        return redirect("staff:organization_review")
    into = form.cleaned_data["into"]
    try:
        services.organization_merge(organization=organization, into=into, by=request.user)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(name)s” was merged into “%(into)s”: every meeting and recommendation now names “%(into)s”.")
            % {"name": organization, "into": into},
        )
        if waiting := into.__dict__.pop("_search_refills_waiting", 0):
            messages.info(request, refills_waiting(waiting))
    return redirect("staff:organization_review")
