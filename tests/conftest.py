import pytest


@pytest.fixture(autouse=True)
def _arabic_by_default(settings):
    """Each test starts in Arabic, the site's default language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Make sure the governorates and stakeholder groups of the data migration exist.

    Live-server (transactional) tests end with a flush that also removes the rows a
    data migration created; a test that runs after one in the same worker gets them back.
    """
    names = request.fixturenames
    if not ({"db", "transactional_db"} & set(names) or request.node.get_closest_marker("django_db")):
        return
    from tests.factories import ensure_reference_data

    with request.getfixturevalue("django_db_blocker").unblock():
        ensure_reference_data()
