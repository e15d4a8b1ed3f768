"""What a gunicorn worker does once as it starts, before its first request (gunicorn.conf.py).

A new worker otherwise leaves to its first readers what only needs doing once: about 0.2 s to
import the views and build the URL patterns of each language, 10-30 ms a page to compile its
templates, and half a second for the first PDF (``meetings.printing.warm_up``). gunicorn
starts a new worker after every deployment, and again after every ~1,000 requests of each
worker (``GUNICORN_MAX_REQUESTS``). Nothing here reads the database: a worker starts even
while the database is away, as it did before.
"""

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def project_templates():
    """The names of the project's own templates (``templates/`` and each app's), sorted."""
    folders = [Path(folder) for folder in engines["django"].engine.dirs]
    folders += [Path(config.path) / "templates" for config in apps.get_app_configs()
                if Path(config.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in Path(config.path).parts]
    return sorted({str(path.relative_to(folder)) for folder in folders if folder.is_dir()
                   for path in folder.rglob("*") if path.suffix in (".html", ".txt", ".xml")})


def warm_up():
    """Build the URL patterns in every language, compile every project template once (the
    template loader keeps them), and get the PDF fonts ready. About 0.7 s."""
    from meetings.printing import warm_up as warm_up_printing

    for language, _name in settings.LANGUAGES:
        with translation.override(language):  # also loads the language's catalogue
            reverse("meetings:home")  # the first reverse() in a language builds its patterns
    engine = engines["django"]
    for name in project_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            # Not the worker's start to fail for: the page that uses it answers 500 as it would.
            logger.exception("The template %s does not compile", name)
    warm_up_printing()
