"""The lockout page and the two-factor pages (enrolment, and the step after the password)."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .middleware import SESSION_TWO_FACTOR
from .two_factor import has_device, pending_device, qr_data_uri, secret_text, two_factor_required


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """What django-axes answers while a username or an address is locked out: the same page
    whether the username exists or not, with the cool-off period (429)."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    response = render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("staff:dashboard")


@never_cache
@sensitive_post_parameters("token")
@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if has_device(user):
        if not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
        return render(request, "accounts/two_factor_enabled.html", {"required": two_factor_required(user)})
    device = pending_device(user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        otp_login(request, device)
        request.session[SESSION_TWO_FACTOR] = "verify"
        return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_code": qr_data_uri(device.config_url),
        "secret": secret_text(device),
        "required": two_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@sensitive_post_parameters("token")
@login_required
def two_factor_verify(request):
    """The step after the password for a user with an authenticator app."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})
