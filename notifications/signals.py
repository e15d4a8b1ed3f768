"""A staff member's mail follows the language they last signed in with."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from .models import Preference


@receiver(user_logged_in, dispatch_uid="notifications.remember_language")
def remember_language(sender, request, user, **kwargs):
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    Preference.objects.update_or_create(user=user, defaults={"language": language})
