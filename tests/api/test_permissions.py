"""The permission matrix: anonymous / member / coordinator × read / write × every endpoint."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import (
    ConsortiumFactory,
    ContactFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    RelationshipFactory,
    ThemeFactory,
)

NEW = {
    "organisations": {"slug": "new-trust", "name": "New Trust"},
    "consortia": {"slug": "new-network", "name": "New Network", "kind": "network"},
    "memberships": {"organisation": "clinks", "consortium": "health-and-wellbeing-alliance", "role": "observer"},
    "outputs": {
        "slug": "new-briefing",
        "title": "New briefing",
        "contributors": [{"organisation": "nacro", "role": "lead"}],
    },
    "contacts": {"organisation": "clinks", "name": "New Person", "email": "new.person@example.org"},
    "themes": {"slug": "housing", "name": "Housing"},
    "regions": {"slug": "channel-islands", "name": "Channel Islands", "nation": "england"},
    "relationships": {"subject": "clinks", "type": "member-of", "object": "nacro"},
}
CHANGE = {
    "organisations": {"name": "Renamed Trust"},
    "consortia": {"name": "Renamed Network"},
    "memberships": {"role": "secretariat"},
    "outputs": {"title": "Renamed briefing"},
    "contacts": {"job_title": "Director"},
    "themes": {"name": "Renamed theme"},
    "regions": {"name": "Renamed region"},
    "relationships": {"note": "Since the merger"},
}


def make_target(resource: str) -> str:
    """A record nothing depends on, so a coordinator may delete it; its detail URL."""
    if resource == "organisations":
        return f"/api/v1/organisations/{OrganisationFactory().slug}/"
    if resource == "consortia":
        return f"/api/v1/consortia/{ConsortiumFactory().slug}/"
    if resource == "memberships":
        return f"/api/v1/memberships/{MembershipFactory().pk}/"
    if resource == "outputs":
        return f"/api/v1/outputs/{JointOutputFactory().slug}/"
    if resource == "contacts":
        return f"/api/v1/contacts/{ContactFactory(is_public=True).pk}/"
    if resource == "themes":
        return f"/api/v1/themes/{ThemeFactory().slug}/"
    if resource == "regions":
        from directory.models import Region

        region = Region.objects.create(name="Isle of Man", slug="isle-of-man", nation="england")
        return f"/api/v1/regions/{region.slug}/"
    return f"/api/v1/relationships/{RelationshipFactory().pk}/"


@pytest.fixture
def clients(api, member_api, coordinator_api):
    return {"anonymous": api, "member": member_api, "coordinator": coordinator_api}


RESOURCES = list(NEW)
WRITE_REFUSED = {"anonymous": 401, "member": 403}


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator"])
def test_everyone_may_read(seed, clients, who, resource):
    client = clients[who]
    target = make_target(resource)
    assert client.get(f"/api/v1/{resource}/").status_code == 200
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_coordinators_may_write(seed, clients, who, resource):
    client = clients[who]
    target = make_target(resource)
    before = clients["member"].get(f"/api/v1/{resource}/", {"page_size": 200}).json()["count"]
    expected = WRITE_REFUSED[who]
    assert client.post(f"/api/v1/{resource}/", NEW[resource], format="json").status_code == expected
    assert client.patch(target, CHANGE[resource], format="json").status_code == expected
    assert client.delete(target).status_code == expected
    unchanged = clients["member"].get(target).json()
    assert all(unchanged[field] != value for field, value in CHANGE[resource].items())
    assert clients["member"].get(f"/api/v1/{resource}/", {"page_size": 200}).json()["count"] == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_coordinators_create_change_and_delete(seed, coordinator_api, resource):
    created = coordinator_api.post(f"/api/v1/{resource}/", NEW[resource], format="json")
    assert created.status_code == 201, created.content
    target = make_target(resource)
    changed = coordinator_api.patch(target, CHANGE[resource], format="json")
    assert changed.status_code == 200, changed.content
    field, value = next(iter(CHANGE[resource].items()))
    assert changed.json()[field] == value
    assert coordinator_api.delete(target).status_code == 204
    assert coordinator_api.get(target).status_code == 404


def test_anonymous_write_is_told_how_to_authenticate(seed, api):
    response = api.post("/api/v1/themes/", NEW["themes"], format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused_even_for_reading(seed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/organisations/").status_code == 401


def test_session_login_works_for_the_browsable_api(seed, member_client):
    response = member_client.get("/api/v1/organisations/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Nacro" in response.content


def test_a_script_gets_a_token_with_its_username_and_password(seed, coordinator, api):
    # As the README's curl does it: a form-encoded POST.
    response = api.post(
        "/api/v1/token/", "username=coord&password=password", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/themes/", NEW["themes"], format="json").status_code == 201
    assert api.post("/api/v1/token/", {"username": "coord", "password": "wrong"}, format="json").status_code == 400


def test_anonymous_and_logged_in_callers_are_throttled(seed, member_api, api, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute", "token": None})
    assert [api.get("/api/v1/themes/").status_code for _ in range(3)] == [200, 200, 429]
    assert [member_api.get("/api/v1/themes/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in api.get("/api/v1/themes/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/organisations/nacro/",
        "/api/v1/consortia/mental-health-consortia/",
        # The browsable API's filter form sends every field, empty ones too: those mean "any".
        "/api/v1/organisations/?theme=&region=&search=&consortium=",
    ],
)
def test_coordinators_can_browse_and_edit_in_the_browsable_api(seed, coordinator_client, url):
    response = coordinator_client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<form" in response.content
