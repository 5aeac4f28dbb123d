import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import UserFactory


def _is_transactional(item_or_request) -> bool:
    """Does this test commit for real (live server, browser)? Then it cannot share a rolled-back seed."""
    node = getattr(item_or_request, "node", item_or_request)
    marker = node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(node.fixturenames))


@pytest.hookimpl(tryfirst=True)  # before pytest-django's own ordering, which keeps this order within its groups
def pytest_collection_modifyitems(items):
    """Within each module, run the tests that need no seed first.

    The seed is loaded once per module, inside a transaction that stays open
    until the module's last test (see `_module_seed`); a test that expects an
    empty directory must therefore run before the module's first seeded test.
    Module order, and the order inside each group, are kept.
    """
    module_order = {}
    for item in items:
        module_order.setdefault(item.module.__name__, len(module_order))

    shares_seed = set()
    for item in items:
        if "seed" in item.fixturenames and not _is_transactional(item):
            shares_seed.add(item)
            # Set up first, before any fixture opens the test's own transaction; and say the test uses
            # the database, so that pytest-django runs it before the tests that commit (and flush).
            item.fixturenames.insert(0, "_module_seed")
            if "db" not in item.fixturenames:
                item.fixturenames.append("db")
    items.sort(key=lambda item: (module_order[item.module.__name__], item in shares_seed))


@pytest.fixture(scope="module")
def _module_seed(django_db_setup, django_db_blocker):
    """The seed facts, loaded once per test module inside a transaction that is rolled back at its end.

    Each test still runs inside its own savepoint (pytest-django's `db`), so
    what a test changes is undone before the next one, and the seed is
    undone after the module's last test.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_seed", verbosity=0)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seed(request):
    """The seed facts (docs/architecture.md), loaded as `make run` loads them."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        call_command("load_seed", verbosity=0)
        return
    request.getfixturevalue("db")  # `_module_seed` is already set up (pytest_collection_modifyitems)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord", group="Coordinators", is_staff=True)


@pytest.fixture
def member(db):
    return UserFactory(username="memb", group="Members", is_staff=True)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
