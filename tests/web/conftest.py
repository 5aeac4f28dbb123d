import pytest
from django.db import connection

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text and trigram search")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback search")


def result_names(response) -> list[str]:
    """Organisation names on the results page, in the order shown."""
    return [organisation.name for organisation in response.context["page"].object_list]


@pytest.fixture
def search(client):
    def run(query: str = "", **filters):
        params = {"q": query, **filters}
        return client.get("/organisations/", params)

    return run


@pytest.fixture(autouse=True)
def fresh_counts():
    """Facet counts are cached between requests; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
