"""Each endpoint lists and shows records a caller can use without a second request."""

import datetime

import pytest

from tests.factories import MembershipFactory, OrganisationFactory

LISTS = ["organisations", "consortia", "memberships", "outputs", "contacts", "themes", "regions", "relationships"]


def test_api_root_lists_every_endpoint(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) == set(LISTS)


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_is_paginated_with_a_total(world, member_api, resource):
    body = member_api.get(f"/api/v1/{resource}/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) > 0


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_links_to_details_that_answer(world, member_api, resource):
    first = member_api.get(f"/api/v1/{resource}/").json()["results"][0]
    detail = member_api.get(first["api_url"])
    assert detail.status_code == 200
    assert detail.json()["api_url"] == first["api_url"]


def test_page_size_is_capped_at_200(db, api):
    OrganisationFactory.create_batch(205)
    body = api.get("/api/v1/organisations/", {"page_size": 500}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert len(api.get("/api/v1/organisations/", {"page_size": 3, "page": 2}).json()["results"]) == 3


@pytest.mark.parametrize("page_size", ["0", "-1", "ten", "2.5"])
def test_an_invalid_page_size_answers_400(db, api, page_size):
    response = api.get("/api/v1/organisations/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_unknown_records_and_addresses_answer_404_in_json(world, api):
    assert api.get("/api/v1/organisations/no-such-organisation/").status_code == 404
    assert api.get("/api/v1/memberships/999999/").status_code == 404
    response = api.get("/api/v1/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_organisation_detail_carries_names_identifiers_memberships_and_contacts(world, member_api):
    body = member_api.get("/api/v1/organisations/nacro/").json()
    assert body["name"] == "Nacro"
    assert body["other_names"] == [
        {
            "name": "National Association for the Care and Resettlement of Offenders",
            "kind": "former",
            "start_date": None,
            "end_date": "1999-12-31",
            "note": "",
        }
    ]
    assert body["identifiers"][0]["org_id"] == "GB-CHC-226171"
    assert body["identifiers"][0]["register_url"].endswith("/226171")
    current = {(m["consortium"]["slug"], m["role"]) for m in body["current_memberships"]}
    # The ended membership of the alliance (2015–2019) is history, not current.
    assert current == {("mental-health-consortia", "partner"), ("quiet-circle", "member")}
    assert {c["name"] for c in body["contacts"]} == {"Polly Public", "Zebedee Quillfeather"}
    assert isinstance(body["themes"], list) and isinstance(body["regions"], list)


def test_organisation_list_is_lighter_but_shows_current_memberships(world, api):
    row = next(r for r in api.get("/api/v1/organisations/").json()["results"] if r["slug"] == "nacro")
    assert "contacts" not in row and "other_names" not in row
    assert row["current_memberships"] == [
        {
            "consortium": {"slug": "mental-health-consortia", "name": "Mental Health Consortia"},
            "role": "partner",
            "since": None,
        }
    ]


def test_consortium_detail_shows_parent_children_former_names_lead_and_members_by_role(world, api):
    body = api.get("/api/v1/consortia/mental-health-consortia/").json()
    assert body["parent"] == "health-and-wellbeing-alliance"
    assert body["parent_name"] == "Health and Wellbeing Alliance"
    assert [lead["name"] for lead in body["leads"]] == ["Association of Mental Health Providers"]
    partners = {member["name"] for member in body["current_members"]["partner"]}
    assert partners == {"Nacro", "Clinks", "Association of Mental Health Providers", "Mental Health Foundation"}
    assert body["current_members"]["observer"] == []

    alliance = api.get("/api/v1/consortia/health-and-wellbeing-alliance/").json()
    assert alliance["children"] == [{"slug": "mental-health-consortia", "name": "Mental Health Consortia"}]
    assert [n["name"] for n in alliance["other_names"]] == ["Strategic Partnership Programme"]


def test_consortium_members_by_role_leave_out_ended_memberships(world, api):
    nacro = world["nacro"]
    MembershipFactory(
        organisation=OrganisationFactory(name="Gone Ltd"),
        consortium=nacro.memberships.first().consortium,
        role="observer",
        end_date=datetime.date(2020, 1, 1),
    )
    body = api.get("/api/v1/consortia/mental-health-consortia/").json()
    assert body["current_members"]["observer"] == []


def test_output_detail_shows_contributors_findings_recommendations_and_consortium(world, member_api):
    body = member_api.get(f"/api/v1/outputs/{world['output'].slug}/").json()
    assert body["title"] == "Race, mental health and criminal justice: moving forward"
    assert body["consortium"] == "mental-health-consortia"
    contributors = {(c["organisation"], c["role"]) for c in body["contributors"]}
    assert ("clinks", "co-author") in contributors and ("race-equality-foundation", "co-author") in contributors
    assert any("40% more likely" in finding for finding in body["key_findings"])
    assert len(body["recommendations"]) == 3
    assert body["press_contact"]["organisation"] == "nacro"


def test_membership_relationship_and_contact_details_are_by_id(world, member_api):
    membership = member_api.get("/api/v1/memberships/", {"organisation": "nacro", "consortium": "quiet-circle"})
    row = membership.json()["results"][0]
    assert member_api.get(f"/api/v1/memberships/{row['id']}/").json()["consortium_name"] == "Quiet Circle"
    relationship = member_api.get("/api/v1/relationships/", {"organisation": "hidden-trust"}).json()["results"][0]
    assert relationship["forward_label"] == "is a partner of"
    contact = member_api.get(f"/api/v1/contacts/{world['secret'].pk}/").json()
    assert contact["organisation"] == "nacro"


def test_themes_and_regions_by_slug(seed, api):
    assert api.get("/api/v1/themes/race-equality/").json()["name"] == "Race equality"
    assert api.get("/api/v1/regions/wales/").json()["nation"] == "wales"
