"""Every filter narrows the list as a script author expects; a bad value answers 400 naming the field."""

import datetime

import pytest

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
    RelationshipTypeFactory,
    ThemeFactory,
    region,
)


def slugs(client, resource, key="slug", **params):
    response = client.get(f"/api/v1/{resource}/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


@pytest.fixture
def orgs(db):
    mental = ThemeFactory(slug="mental-health", name="Mental health")
    race = ThemeFactory(slug="race-equality", name="Race equality")
    a = OrganisationFactory(
        name="Alpha",
        slug="alpha",
        classification="charity",
        themes=[mental],
        regions=[region("wales")],
        founded_on=datetime.date(1990, 1, 1),
        member_count=10,
    )
    b = OrganisationFactory(
        name="Bravo",
        slug="bravo",
        classification="membership-body",
        themes=[race],
        regions=[region("london")],
        founded_on=datetime.date(2005, 6, 1),
        member_count=500,
    )
    c = OrganisationFactory(
        name="Charlie",
        slug="charlie",
        classification="funder",
        themes=[mental, race],
        regions=[region("wales"), region("london")],
    )
    return {"alpha": a, "bravo": b, "charlie": c}


class TestOrganisationFilters:
    def test_classification_one_or_several(self, orgs, api):
        assert slugs(api, "organisations", classification="charity") == ["alpha"]
        assert slugs(api, "organisations", classification=["charity", "funder"]) == ["alpha", "charlie"]

    def test_theme_and_region_take_several_values_each(self, orgs, api):
        assert slugs(api, "organisations", theme="race-equality") == ["bravo", "charlie"]
        assert slugs(api, "organisations", theme=["race-equality", "mental-health"]) == ["alpha", "bravo", "charlie"]
        assert slugs(api, "organisations", region=["wales"]) == ["alpha", "charlie"]
        assert slugs(api, "organisations", theme="race-equality", region="wales") == ["charlie"]

    def test_consortium_gives_current_members_and_as_of_any_past_date(self, orgs, api):
        consortium = ConsortiumFactory(slug="circle")
        MembershipFactory(organisation=orgs["alpha"], consortium=consortium, role="lead")
        MembershipFactory(
            organisation=orgs["bravo"],
            consortium=consortium,
            role="partner",
            start_date=datetime.date(2010, 1, 1),
            end_date=datetime.date(2018, 12, 31),
        )
        assert slugs(api, "organisations", consortium="circle") == ["alpha"]
        assert slugs(api, "organisations", consortium="circle", as_of="2015-06-01") == ["alpha", "bravo"]
        assert slugs(api, "organisations", consortium="circle", as_of="2015-06-01", role="partner") == ["bravo"]
        assert slugs(api, "organisations", consortium="circle", role="partner") == []
        assert slugs(api, "organisations", role="lead") == ["alpha"]

    def test_identifier_by_scheme_value_or_org_id(self, orgs, api):
        IdentifierFactory(organisation=orgs["alpha"], scheme="GB-CHC", value="1234567")
        IdentifierFactory(organisation=orgs["bravo"], scheme="GB-COH", value="01234567")
        assert slugs(api, "organisations", identifier_scheme="GB-COH") == ["bravo"]
        assert slugs(api, "organisations", identifier="1234567") == ["alpha"]
        assert slugs(api, "organisations", identifier="GB-CHC-1234567") == ["alpha"]
        assert slugs(api, "organisations", identifier="GB-COH-1234567") == ["bravo"]  # zero-padded like the register

    def test_founded_between_and_member_count_range(self, orgs, api):
        assert slugs(api, "organisations", founded_after="2000-01-01") == ["bravo"]
        assert slugs(api, "organisations", founded_before="2000-01-01") == ["alpha"]
        assert slugs(api, "organisations", member_count_min=100) == ["bravo"]
        assert slugs(api, "organisations", member_count_min=5, member_count_max=50) == ["alpha"]

    def test_search_finds_former_names_and_identifiers(self, orgs, api):
        OrganisationNameFactory(organisation=orgs["charlie"], name="Delta Fellowship", kind="former")
        IdentifierFactory(organisation=orgs["bravo"], scheme="GB-CHC", value="7654321")
        assert slugs(api, "organisations", search="delta") == ["charlie"]
        assert slugs(api, "organisations", search="7654321") == ["bravo"]
        assert slugs(api, "organisations", search="alpha") == ["alpha"]

    def test_ordering(self, orgs, api):
        assert slugs(api, "organisations", ordering="-name") == ["charlie", "bravo", "alpha"]
        # Filtered to rows with a value: databases disagree about where blanks sort.
        assert slugs(api, "organisations", ordering="-member_count", member_count_min=0) == ["bravo", "alpha"]
        assert slugs(api, "organisations", ordering="founded_on", founded_after="1900-01-01") == ["alpha", "bravo"]


class TestMembershipFilters:
    @pytest.fixture
    def memberships(self, orgs):
        consortium = ConsortiumFactory(slug="circle", name="Circle")
        other = ConsortiumFactory(slug="square", name="Square")
        return {
            "open": MembershipFactory(
                organisation=orgs["alpha"], consortium=consortium, role="lead", start_date=datetime.date(2020, 1, 1)
            ),
            "ended": MembershipFactory(
                organisation=orgs["bravo"],
                consortium=consortium,
                role="partner",
                start_date=datetime.date(2010, 1, 1),
                end_date=datetime.date(2018, 12, 31),
            ),
            "elsewhere": MembershipFactory(organisation=orgs["alpha"], consortium=other, role="member"),
        }

    def ids(self, api, **params):
        return sorted(slugs(api, "memberships", key="id", **params))

    def test_organisation_consortium_and_role(self, memberships, api):
        m = memberships
        assert self.ids(api, organisation="alpha") == sorted([m["open"].pk, m["elsewhere"].pk])
        assert self.ids(api, consortium="circle") == sorted([m["open"].pk, m["ended"].pk])
        assert self.ids(api, role="partner") == [m["ended"].pk]

    def test_current_and_as_of(self, memberships, api):
        m = memberships
        assert self.ids(api, current="true") == sorted([m["open"].pk, m["elsewhere"].pk])
        assert self.ids(api, current="false") == [m["ended"].pk]
        assert self.ids(api, as_of="2015-01-01") == sorted([m["ended"].pk, m["elsewhere"].pk])

    def test_started_and_ended_between(self, memberships, api):
        m = memberships
        assert self.ids(api, started_after="2015-01-01") == [m["open"].pk]
        assert self.ids(api, started_before="2015-01-01") == [m["ended"].pk]
        assert self.ids(api, ended_after="2018-01-01", ended_before="2019-01-01") == [m["ended"].pk]

    def test_ordering(self, memberships, api):
        m = memberships
        dated = {"ordering": "-start_date", "started_after": "2000-01-01"}  # blanks sort differently per database
        assert slugs(api, "memberships", key="id", **dated) == [m["open"].pk, m["ended"].pk]
        assert slugs(api, "memberships", key="consortium", ordering="-consortium")[0] == "square"


class TestOutputFilters:
    @pytest.fixture
    def outputs(self, orgs):
        consortium = ConsortiumFactory(slug="circle")
        race = orgs["bravo"].themes.get()
        one = JointOutputFactory(
            slug="one",
            title="Housing after prison",
            kind="report",
            published_on=datetime.date(2019, 3, 1),
            consortium=consortium,
        )
        two = JointOutputFactory(
            slug="two",
            title="Race and health",
            kind="briefing",
            published_on=datetime.date(2022, 3, 1),
            summary="On waiting lists",
        )
        two.themes.add(race)
        ContributorFactory(output=one, organisation=orgs["alpha"])
        ContributorFactory(output=two, organisation=orgs["alpha"])
        ContributorFactory(output=two, organisation=orgs["bravo"])
        return one, two

    def test_each_filter(self, outputs, api):
        assert slugs(api, "outputs", kind="report") == ["one"]
        assert slugs(api, "outputs", contributor="bravo") == ["two"]
        assert slugs(api, "outputs", contributor="alpha") == ["two", "one"]
        assert slugs(api, "outputs", consortium="circle") == ["one"]
        assert slugs(api, "outputs", theme="race-equality") == ["two"]
        assert slugs(api, "outputs", published_after="2020-01-01") == ["two"]
        assert slugs(api, "outputs", published_before="2020-01-01") == ["one"]
        assert slugs(api, "outputs", search="waiting") == ["two"]
        assert slugs(api, "outputs", search="prison") == ["one"]

    def test_ordering(self, outputs, api):
        assert slugs(api, "outputs") == ["two", "one"]  # newest first by default
        assert slugs(api, "outputs", ordering="published_on") == ["one", "two"]
        assert slugs(api, "outputs", ordering="title") == ["one", "two"]


class TestConsortiumFilters:
    def test_kind_parent_theme_current_and_search(self, db, api):
        alliance = ConsortiumFactory(slug="alliance", name="Alliance", kind="alliance")
        child = ConsortiumFactory(slug="child", name="Child", parent=alliance)
        old = ConsortiumFactory(slug="old", name="Old", end_date=datetime.date(2001, 1, 1))
        ConsortiumNameFactory(consortium=old, name="Ancient Programme")
        child.themes.add(ThemeFactory(slug="housing"))
        assert slugs(api, "consortia", kind="alliance") == ["alliance"]
        assert slugs(api, "consortia", parent="alliance") == ["child"]
        assert slugs(api, "consortia", theme="housing") == ["child"]
        assert slugs(api, "consortia", current="false") == ["old"]
        assert slugs(api, "consortia", search="ancient") == ["old"]
        assert slugs(api, "consortia", ordering="-name") == ["old", "child", "alliance"]


class TestContactAndRelationshipFilters:
    def test_contacts_by_organisation_and_public(self, orgs, member_api):
        ContactFactory(organisation=orgs["alpha"], name="Ann", is_public=True)
        ContactFactory(organisation=orgs["alpha"], name="Bob", is_public=False)
        ContactFactory(organisation=orgs["bravo"], name="Cat", is_public=True)
        assert slugs(member_api, "contacts", key="name", organisation="alpha") == ["Ann", "Bob"]
        assert slugs(member_api, "contacts", key="name", public="true") == ["Ann", "Cat"]
        assert slugs(member_api, "contacts", key="name", public="false") == ["Bob"]
        assert slugs(member_api, "contacts", key="name", ordering="-name") == ["Cat", "Bob", "Ann"]

    def test_relationships_by_organisation_type_and_current(self, orgs, api):
        funded = RelationshipTypeFactory(
            slug="funded-by", name="Funded by", forward_label="is funded by", reverse_label="funds"
        )
        RelationshipFactory(subject=orgs["alpha"], object=orgs["bravo"])
        RelationshipFactory(
            subject=orgs["charlie"], object=orgs["alpha"], type=funded, end_date=datetime.date(2010, 1, 1)
        )
        assert slugs(api, "relationships", key="subject", organisation="alpha") == ["alpha", "charlie"]
        assert slugs(api, "relationships", key="subject", organisation="bravo") == ["alpha"]
        assert slugs(api, "relationships", key="type", type="funded-by") == ["funded-by"]
        assert slugs(api, "relationships", key="subject", current="true") == ["alpha"]
        assert slugs(api, "relationships", key="subject", current="false") == ["charlie"]
        assert slugs(api, "relationships", key="subject", ordering="-subject") == ["charlie", "alpha"]

    def test_relationships_as_of_a_date(self, orgs, api):
        RelationshipFactory(subject=orgs["alpha"], object=orgs["bravo"], start_date=datetime.date(2012, 1, 1))
        RelationshipFactory(
            subject=orgs["charlie"],
            object=orgs["alpha"],
            start_date=datetime.date(2001, 1, 1),
            end_date=datetime.date(2010, 1, 1),
        )
        # Both ends inclusive, as everywhere (in_force_on): the last day counts, the next does not.
        assert slugs(api, "relationships", key="subject", as_of="2010-01-01") == ["charlie"]
        assert slugs(api, "relationships", key="subject", as_of="2010-01-02") == []
        assert slugs(api, "relationships", key="subject", as_of="2012-01-01") == ["alpha"]


def test_regions_by_nation(db, api):
    assert slugs(api, "regions", nation="wales") == ["wales"]


INVALID = [
    ("organisations", "classification", "bakery"),
    ("organisations", "theme", "no-such-theme"),
    ("organisations", "region", "atlantis"),
    ("organisations", "consortium", "no-such-consortium"),
    ("organisations", "role", "king"),
    ("organisations", "as_of", "2020-13-01"),
    ("organisations", "as_of", "yesterday"),
    ("organisations", "identifier_scheme", "GB-XYZ"),
    ("organisations", "founded_after", "1st May"),
    ("organisations", "member_count_min", "lots"),
    ("organisations", "member_count_min", "-5"),
    ("organisations", "search", ""),
    ("organisations", "ordering", "password"),
    ("memberships", "organisation", "nobody"),
    ("memberships", "consortium", "nothing"),
    ("memberships", "role", "king"),
    ("memberships", "current", "maybe"),
    ("memberships", "as_of", "2020-02-30"),
    ("memberships", "as_of", "01/04/2020"),
    ("relationships", "as_of", "01/04/2020"),
    ("relationships", "as_of", "2010-1-1"),
    ("organisations", "as_of", "01/04/2020"),
    ("organisations", "founded_before", "01/04/2020"),
    ("memberships", "started_after", "soon"),
    ("memberships", "ended_before", "later"),
    ("memberships", "ordering", "secret"),
    ("outputs", "kind", "novel"),
    ("outputs", "contributor", "nobody"),
    ("outputs", "consortium", "nothing"),
    ("outputs", "theme", "nothing"),
    ("outputs", "published_after", "2020"),
    ("outputs", "ordering", "secret"),
    ("consortia", "kind", "club"),
    ("consortia", "parent", "nothing"),
    ("consortia", "current", "perhaps"),
    ("contacts", "organisation", "nobody"),
    ("contacts", "public", "perhaps"),
    ("contacts", "ordering", "notes"),
    ("relationships", "organisation", "nobody"),
    ("relationships", "type", "enemy-of"),
    ("relationships", "current", "perhaps"),
    ("relationships", "ordering", "secret"),
    ("themes", "ordering", "secret"),
    ("regions", "nation", "mercia"),
]


@pytest.mark.parametrize(("resource", "parameter", "value"), INVALID)
def test_an_invalid_filter_value_answers_400_naming_the_field(db, api, resource, parameter, value):
    response = api.get(f"/api/v1/{resource}/", {parameter: value})
    assert response.status_code == 400, response.content
    field = parameter.removesuffix("_after").removesuffix("_before").removesuffix("_min").removesuffix("_max")
    assert parameter in response.json() or field in response.json()
    # The same answer when CSV was asked for: still 400, explained in JSON.
    response = api.get(f"/api/v1/{resource}/", {parameter: value, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", ["/api/v1/consortia/circle/", "/api/v1/organisations/alpha/"])
@pytest.mark.parametrize("value", ["01/04/2020", "2020-02-30", "soon"])
def test_a_detail_refuses_a_malformed_as_of_the_way_the_lists_do(orgs, api, url, value):
    ConsortiumFactory(slug="circle")
    detail = api.get(url, {"as_of": value})
    listed = api.get("/api/v1/memberships/", {"as_of": value})

    assert detail.status_code == listed.status_code == 400
    assert detail.json() == listed.json()
    assert list(detail.json()) == ["as_of"]


def test_details_show_the_memberships_in_force_on_as_of(orgs, api):
    circle = ConsortiumFactory(slug="circle")
    MembershipFactory(
        organisation=orgs["alpha"],
        consortium=circle,
        role="partner",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    MembershipFactory(organisation=orgs["bravo"], consortium=circle, role="lead", start_date=datetime.date(2019, 1, 1))

    def members(**params):
        data = api.get("/api/v1/consortia/circle/", params).json()
        return {role: [m["slug"] for m in rows] for role, rows in data["current_members"].items() if rows}

    assert members() == {"lead": ["bravo"]}
    assert members(as_of="2018-12-31") == {"partner": ["alpha"]}
    assert api.get("/api/v1/consortia/circle/", {"as_of": "2018-12-31"}).json()["leads"] == []
    alpha = api.get("/api/v1/organisations/alpha/", {"as_of": "2015-06-01"}).json()
    assert [m["consortium"]["slug"] for m in alpha["current_memberships"]] == ["circle"]
    assert api.get("/api/v1/organisations/alpha/").json()["current_memberships"] == []


def test_filtering_by_role_does_not_reveal_a_hidden_consortium_to_visitors(orgs, api, member_api):
    MembershipFactory(organisation=orgs["alpha"], consortium=ConsortiumFactory(is_public=False), role="lead")

    assert slugs(api, "organisations", role="lead") == []
    assert slugs(member_api, "organisations", role="lead") == ["alpha"]


def test_filters_are_documented_in_the_schema(db, api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]}
    assert parameters >= {
        "classification",
        "theme",
        "region",
        "consortium",
        "role",
        "as_of",
        "identifier_scheme",
        "identifier",
        "founded_after",
        "founded_before",
        "member_count_min",
        "member_count_max",
        "search",
        "ordering",
        "page",
        "page_size",
        "format",
    }


def test_the_api_app_has_no_models():
    from django.apps import apps

    assert list(apps.get_app_config("api").get_models()) == []
