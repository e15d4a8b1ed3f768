"""Public pages of the e-mail subscriptions: follow, confirm, unsubscribe.

The public record pages only *link* here (they are cached for anonymous readers and
carry no form); this page has the form and is never cached. The answer to a request is
the same whether or not the address was already subscribed.
"""

from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .forms import SubscribeForm
from .models import Subscription
from .subscriptions import (
    public_target,
    subscription_confirm,
    subscription_end,
    subscription_request,
    subscription_resume,
)

# Requests a client address may make per hour (a second line of defence after the per-address interval).
REQUESTS_PER_HOUR = 20


def _over_limit(request):
    key = f"notifications:subscribe:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > REQUESTS_PER_HOUR
    except ValueError:  # expired between add and incr
        return False


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, kind, key):
    target = public_target(kind, key)
    form = SubscribeForm(request.POST or None)
    limited = False
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            limited = True
        else:
            subscription_request(
                email=form.cleaned_data["email"], target=target, language=translation.get_language(), request=request
            )
            return render(request, "notifications/requested.html", {"target": target, "kind": kind}, status=200)
    status = 429 if limited else (400 if request.method == "POST" else 200)
    return render(
        request, "notifications/follow.html", {"target": target, "kind": kind, "form": form, "limited": limited}, status=status
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirm(request, token):
    subscription = get_object_or_404(Subscription, token=token)
    subscription_confirm(subscription=subscription)
    return render(request, "notifications/confirmed.html", {"subscription": subscription})


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a CSRF token; the token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    subscription = get_object_or_404(Subscription, token=token)
    if request.method == "POST":
        subscription_end(subscription=subscription)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return render(request, "notifications/unsubscribed.html", {"subscription": subscription, "done": True})
        return redirect("notifications:unsubscribe", token=token)
    return render(
        request, "notifications/unsubscribed.html", {"subscription": subscription, "done": subscription.ended_at is not None}
    )


@never_cache
@require_POST
def resume(request, token):
    subscription = get_object_or_404(Subscription, token=token)
    subscription_resume(subscription=subscription)
    return redirect("notifications:unsubscribe", token=token)
