"""Writes follow the admin's rules (400 with field errors, never 500) and record who made them."""

import pytest

from consortia.models import Consortium, JointOutput, Membership
from directory.models import Organisation, OrganisationIdentifier
from tests.factories import ContactFactory, IdentifierFactory, MembershipFactory, OrganisationFactory


def errors(response, status=400):
    assert response.status_code == status, response.content
    return response.json()


def test_membership_end_before_start_is_refused(seed, coordinator_api):
    body = errors(
        coordinator_api.post(
            "/api/v1/memberships/",
            {
                "organisation": "clinks",
                "consortium": "health-and-wellbeing-alliance",
                "role": "member",
                "start_date": "2020-01-01",
                "end_date": "2019-01-01",
            },
            format="json",
        )
    )
    assert body["end_date"] == ["The end date cannot be before the start date."]


def test_overlapping_membership_in_the_same_role_is_refused(seed, coordinator_api):
    body = errors(
        coordinator_api.post(
            "/api/v1/memberships/",
            {
                "organisation": "nacro",
                "consortium": "mental-health-consortia",
                "role": "partner",
                "start_date": "2021-01-01",
            },
            format="json",
        )
    )
    assert "already holds this role" in body["non_field_errors"][0]


def test_closing_a_membership_is_a_change_not_a_delete(seed, coordinator_api):
    membership = Membership.objects.get(organisation__slug="clinks")
    response = coordinator_api.patch(f"/api/v1/memberships/{membership.pk}/", {"end_date": "2025-03-31"}, format="json")
    assert response.status_code == 200
    assert response.json()["is_current"] is False


def test_organisation_dissolved_before_founded_is_refused(db, coordinator_api):
    body = errors(
        coordinator_api.post(
            "/api/v1/organisations/",
            {"slug": "x", "name": "X", "founded_on": "2000-01-01", "dissolved_on": "1999-01-01"},
            format="json",
        )
    )
    assert body["dissolved_on"] == ["The date dissolved cannot be before the date founded."]


def test_a_taken_slug_is_refused(seed, coordinator_api):
    body = errors(coordinator_api.post("/api/v1/organisations/", {"slug": "nacro", "name": "Nacro 2"}, format="json"))
    assert "slug" in body


def test_identifiers_are_tidied_validated_and_unique(seed, coordinator_api):
    response = coordinator_api.patch(
        "/api/v1/organisations/clinks/",
        {"identifiers": [{"scheme": "GB-CHC", "value": "GB-CHC 1074546"}, {"scheme": "GB-COH", "value": "3562176"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [i["org_id"] for i in response.json()["identifiers"]] == ["GB-CHC-1074546", "GB-COH-03562176"]

    bad = errors(
        coordinator_api.patch(
            "/api/v1/organisations/clinks/", {"identifiers": [{"scheme": "GB-SC", "value": "12"}]}, format="json"
        )
    )
    assert "not a valid Scottish Charity Regulator" in str(bad["identifiers"])

    taken = errors(
        coordinator_api.patch(
            "/api/v1/organisations/nacro/", {"identifiers": [{"scheme": "GB-CHC", "value": "1074546"}]}, format="json"
        )
    )
    assert "Another organisation already has GB-CHC-1074546" in str(taken["identifiers"])
    assert OrganisationIdentifier.objects.get(value="1074546").organisation.slug == "clinks"


def test_replacing_identifiers_keeps_unchanged_ones(seed, coordinator_api):
    clinks = Organisation.objects.get(slug="clinks")
    kept = IdentifierFactory(organisation=clinks, scheme="GB-CHC", value="1074546")
    IdentifierFactory(organisation=clinks, scheme="GB-COH", value="03562176")
    response = coordinator_api.patch(
        "/api/v1/organisations/clinks/", {"identifiers": [{"scheme": "GB-CHC", "value": "1074546"}]}, format="json"
    )
    assert response.status_code == 200
    assert list(clinks.identifiers.all()) == [kept]


def test_other_names_are_written_with_dates_and_found_by_search(seed, coordinator_api, api):
    response = coordinator_api.patch(
        "/api/v1/organisations/clinks/",
        {"other_names": [{"name": "Clinks Old Name", "kind": "former", "end_date": "2001-01-01"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [r["slug"] for r in api.get("/api/v1/organisations/", {"search": "clinks old"}).json()["results"]] == [
        "clinks"
    ]
    body = errors(
        coordinator_api.patch(
            "/api/v1/organisations/clinks/",
            {"other_names": [{"name": "N", "kind": "former", "start_date": "2001-01-01", "end_date": "2000-01-01"}]},
            format="json",
        )
    )
    assert "end date" in str(body["other_names"])


def test_contact_names_are_unique_within_an_organisation(seed, coordinator_api):
    ContactFactory(organisation=Organisation.objects.get(slug="clinks"), name="Sam Smith")
    body = errors(
        coordinator_api.post("/api/v1/contacts/", {"organisation": "clinks", "name": "Sam Smith"}, format="json")
    )
    assert body["non_field_errors"] == ["This organisation already has a contact with this name."]


def test_contact_phone_and_email_are_checked(seed, coordinator_api):
    body = errors(
        coordinator_api.post(
            "/api/v1/contacts/",
            {"organisation": "clinks", "name": "Pat", "phone": "call me", "email": "not-an-email"},
            format="json",
        )
    )
    assert set(body) >= {"phone", "email"}


def test_an_organisation_cannot_be_related_to_itself(seed, coordinator_api):
    body = errors(
        coordinator_api.post(
            "/api/v1/relationships/", {"subject": "nacro", "type": "partner-of", "object": "nacro"}, format="json"
        )
    )
    assert "cannot be related to itself" in str(body)


def test_a_consortium_cannot_sit_inside_its_own_child(seed, coordinator_api):
    body = errors(
        coordinator_api.patch(
            "/api/v1/consortia/health-and-wellbeing-alliance/", {"parent": "mental-health-consortia"}, format="json"
        )
    )
    assert body["parent"] == ["A consortium cannot sit inside itself or one of its own members."]


def test_output_contributors_are_written_and_listed_twice_refused(seed, coordinator_api):
    response = coordinator_api.post(
        "/api/v1/outputs/",
        {
            "slug": "joint-statement",
            "title": "Joint statement",
            "kind": "statement",
            "consortium": "mental-health-consortia",
            "key_findings": ["One", "Two"],
            "recommendations": ["Do this"],
            "themes": ["mental-health"],
            "contributors": [{"organisation": "nacro", "role": "lead"}, {"organisation": "clinks", "role": "endorser"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(c["organisation"], c["role"]) for c in body["contributors"]] == [("clinks", "endorser"), ("nacro", "lead")]
    assert JointOutput.objects.get(slug="joint-statement").key_findings == "One\nTwo"
    twice = errors(
        coordinator_api.post(
            "/api/v1/outputs/",
            {"slug": "twice", "title": "Twice", "contributors": [{"organisation": "nacro"}, {"organisation": "nacro"}]},
            format="json",
        )
    )
    assert "twice" in str(twice["contributors"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "t", "name": 5}, "name"),
        ({"slug": "t", "name": "T", "is_public": "yes"}, "is_public"),
        ({"slug": "t", "name": "T", "member_count": "10"}, "member_count"),
        ({"slug": "t", "name": "T", "themes": "mental-health"}, "themes"),
        ({"slug": "t", "name": "T", "themes": ["no-such-theme"]}, "themes"),
        ({"slug": "t", "name": "T", "founded_on": "31/12/1999"}, "founded_on"),
        ({"slug": "not a slug", "name": "T"}, "slug"),
    ],
)
def test_wrong_types_and_unknown_references_answer_400(seed, coordinator_api, payload, field):
    assert field in errors(coordinator_api.post("/api/v1/organisations/", payload, format="json"))


def test_deleting_an_organisation_with_memberships_answers_409(seed, coordinator_api):
    response = coordinator_api.delete("/api/v1/organisations/nacro/")
    assert response.status_code == 409
    assert "memberships" in response.json()["detail"]
    assert Organisation.objects.filter(slug="nacro").exists()


def test_deleting_a_consortium_with_children_answers_409(seed, coordinator_api):
    assert coordinator_api.delete("/api/v1/consortia/health-and-wellbeing-alliance/").status_code == 409
    assert Consortium.objects.filter(slug="health-and-wellbeing-alliance").exists()


def test_a_token_write_records_the_coordinator_in_history(seed, coordinator, coordinator_api):
    response = coordinator_api.patch("/api/v1/organisations/clinks/", {"member_count": 520}, format="json")
    assert response.status_code == 200
    latest = Organisation.objects.get(slug="clinks").history.latest()
    assert latest.history_user == coordinator
    assert latest.member_count == 520


def test_a_session_write_records_the_user_in_history(seed, coordinator, coordinator_client):
    response = coordinator_client.post(
        "/api/v1/memberships/",
        {"organisation": "clinks", "consortium": "health-and-wellbeing-alliance", "role": "observer"},
        content_type="application/json",
    )
    assert response.status_code == 201
    membership = Membership.objects.get(pk=response.json()["id"])
    assert membership.history.get().history_user == coordinator


def test_nested_writes_record_history_for_each_row(seed, coordinator, coordinator_api):
    coordinator_api.patch(
        "/api/v1/organisations/clinks/", {"identifiers": [{"scheme": "GB-CHC", "value": "1074546"}]}, format="json"
    )
    identifier = OrganisationIdentifier.objects.get()
    assert identifier.history.get().history_user == coordinator


def test_memberships_of_a_new_organisation_appear_in_its_detail(seed, coordinator_api):
    organisation = OrganisationFactory(slug="newcomer")
    MembershipFactory(organisation=organisation, consortium=Consortium.objects.get(slug="mental-health-consortia"))
    body = coordinator_api.get("/api/v1/organisations/newcomer/").json()
    assert body["current_memberships"][0]["consortium"]["slug"] == "mental-health-consortia"
