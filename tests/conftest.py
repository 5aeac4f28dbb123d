import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def seed(db):
    """The seed facts of DESIGN.md, loaded as `make run` loads them."""
    call_command("load_seed", verbosity=0)


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
