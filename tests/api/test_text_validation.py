"""The API refuses invisible characters and over-long texts by the model's own validators (issue 13, items
10 and 5): a 400 naming the field, never a 500, and real Welsh names accepted."""

import json

import pytest

from directory.models import Contact, Organisation
from directory.models.base import LONG_TEXT_MAX_LENGTH
from tests.directory.test_validation import REFUSED


def post_json(client, url, body: str, method="post"):
    """Raw JSON, so that escapes such as \\ud800 (a lone surrogate) reach the server as they were sent."""
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.mark.parametrize(("character", "named"), REFUSED)
def test_api_post_refuses_each_class_in_a_name(seed, coordinator_api, character, named):
    body = json.dumps({"slug": "new-organisation", "name": f"New{character}Organisation"})
    response = post_json(coordinator_api, "/api/v1/organisations/", body)
    assert response.status_code == 400, response.content
    assert named in str(response.json()["name"])
    assert not Organisation.objects.filter(slug="new-organisation").exists()


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/organisations/nacro/", {"description": "Reducing crime\u202e"}, "description"),
        ("/api/v1/organisations/nacro/", {"other_names": [{"name": "Nacro\x1b", "kind": "former"}]}, "other_names"),
        ("/api/v1/consortia/mental-health-consortia/", {"short_name": "MHC\u2066"}, "short_name"),
        ("/api/v1/consortia/mental-health-consortia/", {"other_names": [{"name": "Old\x07"}]}, "other_names"),
        ("/api/v1/outputs/race-mental-health-and-criminal-justice-moving-forward/", {"title": "Race\x9b"}, "title"),
        (
            "/api/v1/outputs/race-mental-health-and-criminal-justice-moving-forward/",
            {"key_findings": ["One\x1b"]},
            "key_findings",
        ),
    ],
)
def test_api_patch_refuses_invisible_characters_naming_the_field(seed, coordinator_api, url, payload, field):
    response = post_json(coordinator_api, url, json.dumps(payload), method="patch")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert "invisible" in str(response.json()[field])


def test_api_patch_refuses_a_lone_surrogate_in_a_contact_name(seed, coordinator_api):
    dania = Contact.objects.get(name="Dania Hanif")
    response = post_json(coordinator_api, f"/api/v1/contacts/{dania.pk}/", '{"name": "Dania \\udc00Hanif"}', "patch")
    assert response.status_code == 400, response.content
    assert "unpaired surrogate U+DC00" in str(response.json()["name"])


def test_api_accepts_joiners_and_welsh_letters(seed, coordinator_api):
    response = post_json(
        coordinator_api,
        "/api/v1/organisations/",
        json.dumps({"slug": "ty-hafan", "name": "Tŷ Hafan \u200d", "description": "Llinell un\nLlinell dau"}),
    )
    assert response.status_code == 201, response.content
    assert Organisation.objects.get(slug="ty-hafan").name == "Tŷ Hafan \u200d"


def test_api_refuses_a_description_longer_than_the_importer_reads(seed, coordinator_api):
    too_long = "a" * (LONG_TEXT_MAX_LENGTH + 1)
    response = post_json(
        coordinator_api, "/api/v1/organisations/nacro/", json.dumps({"description": too_long}), "patch"
    )
    assert response.status_code == 400
    assert "description" in response.json()
    assert f"{LONG_TEXT_MAX_LENGTH}" in str(response.json()["description"])
    response = post_json(
        coordinator_api, "/api/v1/organisations/nacro/", json.dumps({"description": too_long[:-1]}), "patch"
    )
    assert response.status_code == 200
