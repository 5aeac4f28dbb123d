"""Every write starts a fresh cache generation, bulk writes that send no model signals included (issue 10 item 1)."""

import pytest
from django.core.cache import cache

from directory.models import Organisation
from tests.factories import OrganisationFactory


def total(client) -> int:
    return client.get("/organisations/").context["page"].paginator.count


@pytest.fixture(autouse=True)
def counts_are_cached(settings):
    settings.WEB_FACET_CACHE_SECONDS = 300
    cache.clear()


@pytest.mark.django_db
def test_a_queryset_update_shows_at_once(client, django_capture_on_commit_callbacks):
    OrganisationFactory.create_batch(3)
    assert total(client) == 3
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.filter(name__isnull=False).update(is_public=False)
    assert total(client) == 0


@pytest.mark.django_db
def test_a_bulk_create_shows_at_once_and_the_list_is_not_cut_short(client, django_capture_on_commit_callbacks):
    OrganisationFactory.create_batch(2)
    assert total(client) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.bulk_create(
            [Organisation(name=f"Bulk Trust {i:02}", slug=f"bulk-trust-{i:02}") for i in range(25)]
        )
    response = client.get("/organisations/", {"page": 2})
    assert response.context["page"].paginator.count == 27
    assert len(response.context["page"].object_list) == 7


@pytest.mark.django_db
def test_a_bulk_write_is_announced_only_when_it_commits(client, django_capture_on_commit_callbacks):
    from directory.models.base import bulk_written

    heard = []

    def listener(sender, **kwargs):
        heard.append(sender)

    bulk_written.connect(listener)
    try:
        OrganisationFactory.create_batch(1)
        with django_capture_on_commit_callbacks(execute=True):
            Organisation.objects.update(is_public=False)
        assert heard == [Organisation]
        heard.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            Organisation.objects.update(is_public=True)
        assert heard == [] and len(callbacks) == 1
    finally:
        bulk_written.disconnect(listener)
