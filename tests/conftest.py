import pytest


def pytest_collection_modifyitems(config, items):
    """Order the modules for the parallel run (``make test``: ``--dist loadfile`` with
    ``--no-loadscope-reorder``, which hands the modules out in this order): the ones marked
    ``long`` first, then the rest by number of tests, largest first. xdist's own order (by
    number of tests alone) left a one-test module of a minute and a half to run last, alone,
    while the other worker idled. The tests within a module keep their order."""
    modules = {}
    for item in items:
        module = modules.setdefault(item.nodeid.split("::")[0], {"long": False, "count": 0})
        module["long"] |= item.get_closest_marker("long") is not None
        module["count"] += 1
    rank = {
        name: position
        for position, name in enumerate(sorted(modules, key=lambda name: (not modules[name]["long"], -modules[name]["count"])))
    }
    items[:] = sorted(items, key=lambda item: rank[item.nodeid.split("::")[0]])


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
