"""Written records are read strictly: every malformed item of a nested list, a misspelt key, a number
where a slug belongs is a 400 naming the field (and the item), never a 500 and never a silent change."""

import pytest
from rest_framework import serializers

from api.urls import router
from tests.factories import ContactFactory

# A valid item of every writable nested list, by endpoint and list. The test below checks this table
# against the serializers, so a nested list added later is tested here too or fails the test.
VALID_ITEMS = {
    ("organisations", "other_names"): {"name": "Old Name Trust", "kind": "former"},
    ("organisations", "identifiers"): {"scheme": "GB-CHC", "value": "1074546"},
    ("consortia", "other_names"): {"name": "Old Circle", "kind": "former"},
    ("outputs", "contributors"): {"organisation": "clinks", "role": "co-author"},
}

RECORDS = {
    "organisations": "clinks",
    "consortia": "mental-health-consortia",
    "outputs": "race-mental-health-and-criminal-justice-moving-forward",
}


def writable_nested_lists():
    found = set()
    for prefix, viewset, _ in router.registry:
        for name, field in viewset.serializer_class().fields.items():
            if isinstance(field, serializers.ListSerializer) and not field.read_only:
                found.add((prefix, name))
    return found


def required_keys(prefix, list_name):
    viewset = next(viewset for p, viewset, _ in router.registry if p == prefix)
    child = viewset.serializer_class().fields[list_name].child
    return sorted(name for name, field in child.fields.items() if field.required and not field.read_only)


def bad_items(prefix, list_name):
    """(description, item, the key the error is filed under within the item or None for the item itself)."""
    valid = VALID_ITEMS[(prefix, list_name)]
    cases = [
        (f"without {key}", {k: v for k, v in valid.items() if k != key}, key)
        for key in required_keys(prefix, list_name)
    ]
    cases += [
        ("a list", [valid], "non_field_errors"),
        ("a number", 7, "non_field_errors"),
        ("a string", "Old Name", "non_field_errors"),
        ("null", None, None),
        ("an unknown key", {**valid, "colour": "blue"}, "colour"),
    ]
    for key in valid:
        cases += [
            (f"{key} as a list", {**valid, key: [valid[key]]}, key),
            (f"{key} as a number", {**valid, key: 0}, key),
            (f"{key} as an object", {**valid, key: {"value": valid[key]}}, key),
        ]
    return cases


CASES = [
    pytest.param(prefix, list_name, item, key, id=f"{prefix}.{list_name} {description}")
    for prefix, list_name in sorted(VALID_ITEMS)
    for description, item, key in bad_items(prefix, list_name)
]


def test_the_table_names_every_writable_nested_list():
    assert writable_nested_lists() == set(VALID_ITEMS)


def whole_record(client, prefix):
    response = client.get(f"/api/v1/{prefix}/{RECORDS[prefix]}/")
    assert response.status_code == 200
    return response.json()


def assert_names_the_item(response, list_name, key):
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [list_name]
    # The first item is valid; the second, bad one is named by its position.
    assert list(errors[list_name]) == ["1"], errors
    if key is not None:
        assert key in errors[list_name]["1"], errors


@pytest.mark.parametrize(("prefix", "list_name", "item", "key"), CASES)
def test_a_malformed_nested_item_is_a_400_naming_the_list_the_item_and_the_key(
    seed, coordinator_api, prefix, list_name, item, key
):
    before = whole_record(coordinator_api, prefix)
    items = [VALID_ITEMS[(prefix, list_name)], item]
    url = f"/api/v1/{prefix}/{RECORDS[prefix]}/"

    # PATCH: the items are whole rows even though the record is changed in part.
    assert_names_the_item(coordinator_api.patch(url, {list_name: items}, format="json"), list_name, key)
    # PUT: the record as fetched, sent back with the list changed.
    assert_names_the_item(coordinator_api.put(url, {**before, list_name: items}, format="json"), list_name, key)
    # POST: a new record.
    new = {**before, "slug": "brand-new-record", list_name: items}
    assert_names_the_item(coordinator_api.post(f"/api/v1/{prefix}/", new, format="json"), list_name, key)

    assert whole_record(coordinator_api, prefix) == before
    assert coordinator_api.get(f"/api/v1/{prefix}/brand-new-record/").status_code == 404


@pytest.mark.parametrize(("prefix", "list_name"), sorted(VALID_ITEMS))
@pytest.mark.parametrize("value", [None, "text", 5, {"name": "An object"}])
def test_a_nested_list_that_is_not_a_list_is_a_400_naming_it(seed, coordinator_api, prefix, list_name, value):
    response = coordinator_api.patch(f"/api/v1/{prefix}/{RECORDS[prefix]}/", {list_name: value}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [list_name]


@pytest.mark.parametrize(("prefix", "list_name"), sorted(VALID_ITEMS))
def test_a_valid_nested_list_replaces_the_rows_in_a_patch(seed, coordinator_api, prefix, list_name):
    item = VALID_ITEMS[(prefix, list_name)]
    response = coordinator_api.patch(f"/api/v1/{prefix}/{RECORDS[prefix]}/", {list_name: [item]}, format="json")
    assert response.status_code == 200, response.content
    rows = response.json()[list_name]
    assert len(rows) == 1
    assert {key: rows[0][key] for key in item} == item


@pytest.mark.parametrize("prefix", sorted(RECORDS))
def test_a_record_fetched_and_sent_back_unchanged_is_accepted(seed, coordinator_api, prefix):
    before = whole_record(coordinator_api, prefix)
    response = coordinator_api.put(f"/api/v1/{prefix}/{RECORDS[prefix]}/", before, format="json")
    assert response.status_code == 200, response.content
    after = response.json()
    assert {key: value for key, value in after.items() if key != "updated_at"} == {
        key: value for key, value in before.items() if key != "updated_at"
    }


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/organisations/clinks/", "nmae"),
        ("/api/v1/consortia/mental-health-consortia/", "is_publik"),
        ("/api/v1/themes/race-equality/", "title"),
        ("/api/v1/outputs/race-mental-health-and-criminal-justice-moving-forward/", "press_contact_name"),
    ],
)
def test_a_misspelt_key_is_refused_not_silently_ignored(seed, coordinator_api, url, key):
    before = coordinator_api.get(url).json()
    response = coordinator_api.patch(url, {key: "Changed"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [key]
    assert response.json()[key][0].startswith("Unknown field. Give only: ")
    assert coordinator_api.get(url).json() == before


SLUG_REFERENCES = [
    ("post", "/api/v1/organisations/", {"slug": "zero", "name": "Zero"}, "themes", [0]),
    ("post", "/api/v1/organisations/", {"slug": "zero", "name": "Zero"}, "regions", ["wales", "not a slug"]),
    ("post", "/api/v1/consortia/", {"slug": "zero", "name": "Zero"}, "parent", 0),
    ("post", "/api/v1/consortia/", {"slug": "zero", "name": "Zero"}, "parent", ["health-and-wellbeing-alliance"]),
    ("post", "/api/v1/memberships/", {"consortium": "mental-health-consortia", "role": "member"}, "organisation", 0),
    ("post", "/api/v1/relationships/", {"subject": "nacro", "object": "clinks"}, "type", 1),
    ("post", "/api/v1/contacts/", {"name": "Someone"}, "organisation", {"slug": "nacro"}),
    ("post", "/api/v1/outputs/", {"slug": "zero", "title": "Zero"}, "consortium", True),
]


@pytest.mark.parametrize(("method", "url", "body", "field", "value"), SLUG_REFERENCES)
def test_a_reference_that_is_not_a_slug_is_refused_as_one(seed, coordinator_api, method, url, body, field, value):
    # 0 used to be looked up as the slug "0": "Object with slug=0 does not exist."
    response = getattr(coordinator_api, method)(url, {**body, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert "Give a slug" in str(response.json()[field])


def test_a_contributor_named_by_a_number_is_refused_as_a_slug(seed, coordinator_api):
    url = f"/api/v1/outputs/{RECORDS['outputs']}/"
    response = coordinator_api.patch(url, {"contributors": [{"organisation": 0, "role": "co-author"}]}, format="json")
    assert response.status_code == 400
    assert "Give a slug" in response.json()["contributors"]["0"]["organisation"][0]


def test_an_unknown_slug_is_named_in_the_message(seed, coordinator_api):
    response = coordinator_api.post(
        "/api/v1/organisations/", {"slug": "x", "name": "X", "themes": ["nope"]}, format="json"
    )
    assert response.json() == {"themes": ["No record has the slug “nope”."]}


@pytest.mark.parametrize("value", ["1", 1.0, True])
def test_a_press_contact_is_named_by_a_whole_number(seed, coordinator_api, value):
    contact = ContactFactory()
    url = f"/api/v1/outputs/{RECORDS['outputs']}/"
    response = coordinator_api.patch(url, {"press_contact_id": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["press_contact_id"]
    assert coordinator_api.patch(url, {"press_contact_id": contact.pk}, format="json").status_code == 200
