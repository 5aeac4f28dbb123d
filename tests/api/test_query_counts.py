"""Every list costs the same number of queries for 1 row as for 50, nested data included."""

import pytest

from consortia.models import Consortium
from directory.models import Region
from tests.factories import (
    ConsortiumFactory,
    ConsortiumNameFactory,
    ContactFactory,
    ContributorFactory,
    IdentifierFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    RelationshipFactory,
    ThemeFactory,
    region,
)


def build(resource: str, count: int) -> None:
    """`count` rows of `resource`, each with nested data to fetch."""
    if resource in ("organisations", "consortia", "memberships", "outputs"):
        themes = [ThemeFactory(slug="mental-health"), ThemeFactory(slug="race-equality")]
        hub = ConsortiumFactory(slug="hub", is_public=resource != "consortia")  # lists show only the new rows
    for _ in range(count):
        if resource == "organisations":
            organisation = OrganisationFactory(themes=themes, regions=[region("wales"), region("london")])
            MembershipFactory(organisation=organisation, consortium=hub, role="partner")
            MembershipFactory(organisation=organisation, role="lead")
            ContactFactory(organisation=organisation)
            IdentifierFactory(organisation=organisation)
            OrganisationNameFactory(organisation=organisation)
        elif resource == "consortia":
            consortium = ConsortiumFactory(parent=hub)
            consortium.themes.add(*themes)
            ConsortiumNameFactory(consortium=consortium)
        elif resource == "memberships":
            MembershipFactory(consortium=hub)
        elif resource == "outputs":
            output = JointOutputFactory(consortium=hub, press_contact=ContactFactory())
            output.themes.add(*themes)
            ContributorFactory(output=output)
            ContributorFactory(output=output, role="lead")
        elif resource == "contacts":
            ContactFactory(is_public=True)
        elif resource == "themes":
            ThemeFactory()
        elif resource == "regions":
            Region.objects.create(
                name=f"Region {Region.objects.count()}", slug=f"r-{Region.objects.count()}", nation="england"
            )
        elif resource == "relationships":
            RelationshipFactory()


# Queries per list page, whatever its length: the COUNT, the page, then one per nested list.
LIST_QUERIES = {
    "organisations": 5,  # + themes, regions, current memberships with their consortium
    "consortia": 4,  # + themes, parents (read through visible_to: a hidden parent is null)
    "memberships": 2,  # organisation and consortium joined
    "outputs": 4,  # + themes, contributors with their organisation
    "contacts": 2,
    "themes": 2,
    "regions": 2,
    "relationships": 2,
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("resource", list(LIST_QUERIES))
def test_list_query_count_does_not_grow_with_rows(db, api, django_assert_num_queries, resource, count):
    if resource == "regions":
        Region.objects.all().delete()  # reference data from a migration; only the new rows here
    build(resource, count)
    with django_assert_num_queries(LIST_QUERIES[resource]):
        response = api.get(f"/api/v1/{resource}/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_filtered_organisation_list_query_count_is_pinned(db, api, django_assert_num_queries, count):
    build("organisations", count)
    # + one query each to check the theme and consortium slugs are real
    with django_assert_num_queries(7):
        response = api.get("/api/v1/organisations/", {"theme": "mental-health", "consortium": "hub"})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_consortium_detail_query_count_does_not_grow_with_members(db, api, django_assert_num_queries, count):
    build("organisations", count)
    # the consortium with parent, themes, other names, children, current members with organisations
    with django_assert_num_queries(5):
        response = api.get("/api/v1/consortia/hub/")
    assert len(response.json()["current_members"]["partner"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_organisation_detail_query_count_does_not_grow(db, api, django_assert_num_queries, count):
    build("organisations", 1)
    organisation = Consortium.objects.get(slug="hub").memberships.get().organisation
    for _ in range(count):
        MembershipFactory(organisation=organisation, role="observer")
        ContactFactory(organisation=organisation, is_public=True)
    # organisation, themes, regions, memberships, other names, identifiers, contacts
    with django_assert_num_queries(7):
        response = api.get(f"/api/v1/organisations/{organisation.slug}/")
    assert len(response.json()["contacts"]) == count
