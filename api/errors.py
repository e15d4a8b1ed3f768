"""The API's error bodies: ``{"detail": {"ar": ..., "en": ...}}`` (and ``errors`` per filter),
in both languages like the data. Nothing but a status code and these messages is ever shown."""

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from .fields import LANGUAGES, TRANSLATED

ERROR = inline_serializer(
    "Error",
    {
        "detail": TRANSLATED,
        "errors": serializers.DictField(
            child=TRANSLATED, required=False, help_text="Per query parameter: what is wrong with its value."
        ),
        "retry_after": serializers.IntegerField(required=False, help_text="429 only: seconds to wait."),
    },
)


def in_both_languages(message, **params):
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(message) % params if params else str(message)
    return texts


class BadRequest(exceptions.APIException):
    """A query parameter the API cannot use (400); ``errors`` maps parameters to their messages."""

    status_code = 400
    default_detail = _("The request's parameters are not valid.")

    def __init__(self, message=None, errors=None, **params):
        self.messages = in_both_languages(message or self.default_detail, **params)
        self.errors = errors or {}
        super().__init__(self.messages["en"])


class Throttled(exceptions.Throttled):
    default_detail = _("Too many requests. Please wait %(seconds)s seconds before trying again.")


MESSAGES = {
    exceptions.NotFound: _("Not found: there is no published record at this address."),
    exceptions.MethodNotAllowed: _("This API is read-only: only GET, HEAD and OPTIONS are allowed."),
    exceptions.NotAcceptable: _("This API answers in JSON only (Accept: application/json)."),
    exceptions.UnsupportedMediaType: _("This API is read-only: it accepts no request body."),
    exceptions.ParseError: _("This API is read-only: it accepts no request body."),
}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # anything else is a real error: Django's 500 page, and the log
    body = {}
    if isinstance(exc, BadRequest):
        body["detail"] = exc.messages
        if exc.errors:
            body["errors"] = exc.errors
    elif isinstance(exc, exceptions.Throttled):
        seconds = int(exc.wait or 1) if exc.wait is not None else 1
        body["detail"] = in_both_languages(Throttled.default_detail, seconds=seconds)
        body["retry_after"] = seconds
        response["Retry-After"] = str(seconds)
    else:
        message = next((text for kind, text in MESSAGES.items() if isinstance(exc, kind)), None)
        body["detail"] = in_both_languages(message or exc.default_detail)
    response.data = body
    return response
