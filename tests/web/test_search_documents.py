"""The results page reads a narrow copy of each organisation on PostgreSQL; it must never go stale."""

import pytest
from django.core.cache import cache
from django.db import connection

from consortia.models import Consortium
from directory.models import Organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    ThemeFactory,
    UserFactory,
    region,
)

from .conftest import on_postgres, result_names

pytestmark = pytest.mark.django_db


@on_postgres
def test_organisation_hidden_by_a_bulk_update_leaves_visitors_results(search, client, member):
    organisation = OrganisationFactory(name="Harbour Advice Trust")
    assert result_names(search("harbour advice")) == ["Harbour Advice Trust"]

    Organisation.objects.filter(pk=organisation.pk).update(is_public=False)  # no signals

    assert result_names(search("harbour advice")) == []
    client.force_login(member)
    assert result_names(search("harbour advice")) == ["Harbour Advice Trust"]


@on_postgres
def test_renamed_and_deleted_organisations_are_found_as_they_now_are(search):
    organisation = OrganisationFactory(name="Harbour Advice Trust")
    organisation.name = "Lighthouse Advice Trust"
    organisation.save()

    assert result_names(search("lighthouse")) == ["Lighthouse Advice Trust"]
    assert result_names(search("harbour")) == []

    organisation.delete()
    response = search("lighthouse")
    assert result_names(response) == []
    assert response.context["page"].paginator.count == 0


@on_postgres
def test_theme_and_kind_filters_narrow_the_ranked_results(search):
    housing = ThemeFactory(slug="housing", name="Housing")
    OrganisationFactory(name="Harbour Housing Advice", classification="charity", themes=[housing])
    OrganisationFactory(name="Harbour Debt Advice", classification="charity")
    OrganisationFactory(name="Harbour Advice Company", classification="company", themes=[housing])

    assert sorted(result_names(search("harbour advice", theme="housing"))) == [
        "Harbour Advice Company",
        "Harbour Housing Advice",
    ]
    assert result_names(search("harbour advice", theme="housing", classification="charity")) == [
        "Harbour Housing Advice"
    ]


@pytest.mark.parametrize(("table", "column"), [("themes", "theme_id"), ("regions", "region_id")])
def test_link_tables_are_indexed_by_theme_and_by_region(table, column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, f"directory_organisation_{table}")

    assert any(c["index"] and c["columns"] == [column, "organisation_id"] for c in constraints.values())


@on_postgres
def test_postgresql_connections_run_without_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_home_page_counts_leave_hidden_organisations_out_for_visitors_only(seed, search, client, member):
    housing = ThemeFactory(slug="housing", name="Housing")
    hidden = OrganisationFactory(
        name="Quiet Housing Trust", is_public=False, themes=[housing], regions=[region("wales")]
    )
    MembershipFactory(consortium=Consortium.objects.get(slug="mental-health-consortia"), organisation=hidden)

    def counts(response, facet):
        return {value.name: value.count for value in response.context["facets"][facet]}

    visitor = search()
    assert "Housing" not in counts(visitor, "theme")
    assert counts(visitor, "region")["Wales"] == 2
    assert counts(visitor, "consortium") == {"Mental Health Consortia": 4}
    assert visitor.context["page"].paginator.count == 5

    client.force_login(member)
    cache.clear()
    logged_in = search()
    assert counts(logged_in, "theme")["Housing"] == 1
    assert counts(logged_in, "region")["Wales"] == 3
    assert counts(logged_in, "consortium") == {"Mental Health Consortia": 5}
    assert logged_in.context["page"].paginator.count == 6


@on_postgres
def test_organisations_named_for_the_search_come_before_those_only_about_it(search):
    race = ThemeFactory(slug="race-equality", name="Race Equality")
    OrganisationFactory(name="Aardvark Trust", description="Housing advice.", themes=[race])
    OrganisationFactory(name="Beacon Project", description="We promote race equality in schools.")
    OrganisationFactory(name="Zenith Race Equality Network", description="A network.")
    renamed = OrganisationFactory(name="Yew Tree Trust", description="Gardens.")
    OrganisationNameFactory(organisation=renamed, name="Race Equality Unit", kind="former")
    OrganisationFactory(name="Unrelated Trust", description="Gardens.")

    names = result_names(search("race equality"))

    # Current and former names first (ranked), then theme and description matches by name.
    assert sorted(names[:2]) == ["Yew Tree Trust", "Zenith Race Equality Network"]
    assert names[2:] == ["Aardvark Trust", "Beacon Project"]


@on_postgres
def test_the_second_page_continues_after_the_name_matches(search, client):
    OrganisationFactory(name="Zenith Race Equality Network")
    for n in range(20):
        OrganisationFactory(name=f"Project {n:02d}", description="We promote race equality.")

    first = result_names(search("race equality"))
    second = result_names(client.get("/organisations/", {"q": "race equality", "page": 2}))

    assert first == ["Zenith Race Equality Network"] + [f"Project {n:02d}" for n in range(19)]
    assert second == ["Project 19"]


def test_an_organisation_in_two_roles_is_one_member_everywhere(seed, search, client, member):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    for public in (True, False):
        organisation = OrganisationFactory(is_public=public)
        MembershipFactory(consortium=consortium, organisation=organisation, role="partner")
        MembershipFactory(consortium=consortium, organisation=organisation, role="secretariat")

    def consortium_counts():
        return {value.name: value.count for value in search().context["facets"]["consortium"]}

    assert consortium_counts() == {"Mental Health Consortia": 5}
    assert "5 current members" in client.get("/consortia/").content.decode()
    client.force_login(member)
    cache.clear()
    assert consortium_counts() == {"Mental Health Consortia": 6}
    assert "6 current members" in client.get("/consortia/").content.decode()


@on_postgres
def test_broad_and_narrow_matches_are_listed_in_the_same_order():
    from search.backends.postgres import DocumentMatch
    from search.query import PreparedQuery

    OrganisationFactory(name="Zenith Race Equality Network")
    for name in ("Cedar Project", "Alder Project", "Birch Project"):
        OrganisationFactory(name=name, description="We promote race equality.")
    member = UserFactory()
    results = DocumentMatch(PreparedQuery("race equality"), member, [], Organisation.objects.all()).results("", (), 0)
    expected = ["Zenith Race Equality Network", "Alder Project", "Birch Project"]

    results.total = 1_000_000  # a broad match: the other matches are read along the name index
    assert [o.name for o in results[0:3]] == expected
    results.total = 4  # a narrow one: found by the vector index, then sorted
    assert [o.name for o in results[0:3]] == expected


def document_visibility() -> dict[int, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT organisation_id, is_public FROM directory_search_document")
        return dict(cursor.fetchall())


def public_by_the_rule() -> dict[int, bool]:
    public = set(Organisation.objects.public().values_list("pk", flat=True))
    return {pk: pk in public for pk in Organisation.objects.values_list("pk", flat=True)}


@on_postgres
def test_the_search_tables_visibility_is_a_faithful_copy_of_the_public_rule(db):
    """The search table's is_public is a cached copy of Organisation.objects.public() (search/backends/postgres.py)."""
    kept, hidden, bulk = OrganisationFactory(), OrganisationFactory(is_public=False), OrganisationFactory()
    Organisation.objects.bulk_create(
        [Organisation(name=f"Bulk {n}", slug=f"bulk-{n}", is_public=n % 2 == 0) for n in range(6)]
    )
    assert document_visibility() == public_by_the_rule()

    hidden.is_public = True
    hidden.save()
    Organisation.objects.filter(pk=bulk.pk).update(is_public=False)  # no signals
    Organisation.objects.filter(slug__startswith="bulk-").update(is_public=True)
    kept.delete()
    assert document_visibility() == public_by_the_rule()
    assert len(document_visibility()) == Organisation.objects.count() == 8
