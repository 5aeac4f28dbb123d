"""What a visitor types into the search box, on PostgreSQL (ranked, forgiving) and SQLite (fallback)."""

import pytest

from tests.factories import ConsortiumFactory, OrganisationFactory, OrganisationNameFactory, ThemeFactory

from .conftest import on_postgres, on_sqlite, result_names

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nacro", "Nacro"),
        ("clinks", "Clinks"),
        ("Race Equality Foundation", "Race Equality Foundation"),
        ("AMHP", "Association of Mental Health Providers"),
        ("mental health foundation", "Mental Health Foundation"),
    ],
)
def test_each_seed_organisation_is_found_by_name_or_acronym(seed, search, query, expected):
    response = search(query)

    assert response.status_code == 200
    assert result_names(response)[0] == expected
    assert expected in response.content.decode()


def test_former_name_finds_the_current_organisation(seed, search):
    OrganisationNameFactory(
        organisation=OrganisationFactory(name="Together for Mental Wellbeing", slug="together"),
        name="Mental After Care Association",
    )

    assert result_names(search("mental after care association")) == ["Together for Mental Wellbeing"]


def test_former_name_of_a_consortium_finds_the_alliance(seed, search):
    response = search("strategic partnership programme")

    assert [c.name for c in response.context["consortium_matches"]] == ["Health and Wellbeing Alliance"]
    assert 'href="/consortia/health-and-wellbeing-alliance/"' in response.content.decode()
    assert "Strategic Partnership Programme (former name)" in response.content.decode()


def test_accents_and_case_do_not_matter(db, search):
    OrganisationFactory(name="Café Cymru", slug="cafe-cymru")

    assert result_names(search("CAFE cymru")) == ["Café Cymru"]


def test_hidden_organisations_are_not_found_by_visitors(db, client, search):
    OrganisationFactory(name="Quiet Trust", slug="quiet-trust", is_public=False)

    assert result_names(search("quiet trust")) == []


def test_no_results_suggest_what_to_try(seed, search):
    response = search("zzqx wibble", theme="race-equality")

    page = response.content.decode()
    assert "No organisation matches “zzqx wibble” with these filters." in page
    assert "searching without the filters" in page
    assert "fewer or shorter words" in page


@on_postgres
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("clinx", "Clinks"),
        ("mental health fundation", "Mental Health Foundation"),
        ("nacro", "Nacro"),
        ("NACRO", "Nacro"),
        ("race equality", "Race Equality Foundation"),
    ],
)
def test_postgres_search_forgives_typos_and_ranks_the_best_match_first(seed, search, query, expected):
    assert result_names(search(query))[0] == expected


@on_postgres
def test_postgres_search_reads_descriptions_and_themes_but_ranks_names_higher(seed, search):
    OrganisationFactory(name="Social Justice Network", slug="sjn", description="A network.")

    names = result_names(search("social justice"))

    # Nacro is "a national social justice charity": found by its description, ranked below the name match.
    assert names[:2] == ["Social Justice Network", "Nacro"]


@on_postgres
def test_postgres_corrects_each_misspelt_word_to_words_in_the_directory(seed, search):
    assert result_names(search("helth provders")) == ["Association of Mental Health Providers"]
    assert result_names(search("criminl justise"))[:2] == ["Clinks", "Nacro"]


@on_postgres
def test_postgres_offers_organisations_matching_some_words_when_none_match_all(seed, search):
    response = search("nacro qqzzxw")

    assert result_names(response) == []
    assert "These match some of your words:" in response.content.decode()
    assert [o.name for o in response.context["suggestions"]] == ["Nacro"]


@on_postgres
def test_postgres_learns_the_words_of_a_new_organisation(db, search):
    OrganisationFactory(name="Cwmpas Cooperative", slug="cwmpas")

    assert result_names(search("cwmpass cooperatve")) == ["Cwmpas Cooperative"]


@on_sqlite
def test_sqlite_fallback_needs_every_word_in_some_name(seed, search):
    assert result_names(search("mental foundation")) == ["Mental Health Foundation"]
    assert result_names(search("mental nacro")) == []


@on_sqlite
def test_sqlite_fallback_puts_an_exact_name_before_longer_names(db, search):
    OrganisationFactory(name="Advice Alliance of Wales", slug="aaw")
    OrganisationFactory(name="Advice", slug="advice")
    OrganisationFactory(name="A Better Advice Service", slug="abas")

    assert result_names(search("advice")) == ["Advice", "Advice Alliance of Wales", "A Better Advice Service"]


@on_sqlite
def test_sqlite_fallback_widens_a_misspelt_word_to_the_closest_names(seed, search):
    assert result_names(search("clinx")) == ["Clinks"]
    assert result_names(search("mental health fundation")) == ["Mental Health Foundation"]
    assert result_names(search("nacroo")) == ["Nacro"]


@on_sqlite
def test_sqlite_fallback_does_not_read_descriptions(seed, search):
    assert result_names(search("social justice")) == []


def test_a_hidden_parent_is_not_named_in_consortium_matches(db, client, member, search):
    secret = ConsortiumFactory(name="Quiet Alliance", slug="quiet-alliance", is_public=False)
    ConsortiumFactory(name="Open Harbour Partnership", slug="open-harbour", parent=secret)

    visitor = search("open harbour partnership")

    assert [c.name for c in visitor.context["consortium_matches"]] == ["Open Harbour Partnership"]
    assert "Quiet Alliance" not in visitor.content.decode()
    client.force_login(member)
    assert "part of Quiet Alliance" in search("open harbour partnership").content.decode()


def test_the_api_and_the_page_list_the_same_matches_in_the_same_order(db, client):
    race = ThemeFactory(slug="race-equality", name="Race Equality")
    OrganisationFactory(name="Aardvark Race Equality Trust", description="Housing advice.", themes=[race])
    OrganisationFactory(name="Beacon Project", description="We promote race equality in schools.")
    OrganisationFactory(name="Race Equality Network", description="A network.")
    OrganisationFactory(name="Zenith Race Equality Trust")
    # Named nowhere for it, but about little else: ts_rank alone would put it before the name matches.
    OrganisationFactory(name="Quay Trust", description="Race equality work. " * 12)
    renamed = OrganisationFactory(name="Yew Tree Trust", description="Gardens.")
    OrganisationNameFactory(organisation=renamed, name="Race Equality Unit", kind="former")
    OrganisationFactory(name="Equality Hidden Race Trust", is_public=False)

    for query in ("race equality", "equality trust", "Zenith"):
        page = result_names(client.get("/organisations/", {"q": query}))
        api = [row["name"] for row in client.get("/api/v1/organisations/", {"search": query}).json()["results"]]
        assert page == api, query
        assert page, query
