"""The 404 and 500 pages, in the language of the address that was asked for.

Django's own handlers render the 500 page without a request (so the page would
not know it is English under /en/) and the 404 page in whatever language was
active when the error happened. These set the language from the path first.
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token


def language_of(request):
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


@requires_csrf_token
def page_not_found(request, exception):
    with translation.override(language_of(request)):
        return defaults.page_not_found(request, exception, template_name="404.html")


@requires_csrf_token
def server_error(request):
    # Rendered without the request on purpose: no context processor, session or
    # database is touched while the site is failing.
    with translation.override(language_of(request)):
        try:
            body = loader.render_to_string("500.html")
        except Exception:  # noqa: BLE001 - the error page must not itself fail
            body = "<!doctype html><title>Server Error (500)</title><h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
