import pytest


@pytest.fixture(autouse=True)
def _arabic_by_default(settings):
    """Each test starts in Arabic, the site's default language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
