"""Who sees what (docs/architecture.md): anonymous callers never see a private contact, anywhere."""

import pytest
from phonenumber_field.phonenumber import PhoneNumber

from directory.models import Contact

from .conftest import SECRET_NAME

LISTS = ["organisations", "consortia", "memberships", "outputs", "contacts", "themes", "regions", "relationships"]


def telltales(contact: Contact) -> list[str]:
    """Every way the API could spell this person: name, email, and the phone number in any format."""
    found = [contact.name, contact.email]
    if contact.phone:
        number = PhoneNumber.from_string(str(contact.phone.as_e164))
        found += [
            number.as_e164,
            number.as_national,
            number.as_international,
            number.as_e164.replace("+44", "0"),
            str(number.national_number),
        ]
    return [text for text in found if text]


def crawl(client, url: str, seen: set, bodies: list) -> None:
    """Fetch a URL and, for JSON, every API link inside it (details and next pages)."""
    if url in seen or len(seen) > 400:
        return
    seen.add(url)
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    bodies.append((url, text))
    if response["Content-Type"].startswith("application/json"):
        for link in links(response.json()):
            crawl(client, link.replace("http://testserver", ""), seen, bodies)


def links(data):
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("api_url", "next") and isinstance(value, str):
                yield value
            else:
                yield from links(value)
    elif isinstance(data, list):
        for item in data:
            yield from links(item)


def test_no_anonymous_response_mentions_a_private_contact(world, api):
    private = list(Contact.objects.filter(is_public=False))
    assert {c.name for c in private} >= {SECRET_NAME, "Kathy Roberts", "Dania Hanif"}
    needles = [needle for contact in private for needle in telltales(contact)]

    seen, bodies = set(), []
    for resource in LISTS:
        crawl(api, f"/api/v1/{resource}/?page_size=200", seen, bodies)
        crawl(api, f"/api/v1/{resource}/?format=csv", seen, bodies)
    # Details of everything, and the output whose press contact is private.
    assert f"/api/v1/outputs/{world['output'].slug}/" in seen
    assert f"/api/v1/organisations/{world['nacro'].slug}/" in seen
    assert len(bodies) > 20

    for url, text in bodies:
        for needle in needles:
            assert needle not in text, f"{needle!r} found in anonymous {url}"


def test_members_do_see_private_contacts_nested_and_listed(world, member_api):
    detail = member_api.get("/api/v1/organisations/nacro/").json()
    assert SECRET_NAME in {contact["name"] for contact in detail["contacts"]}
    output = member_api.get(f"/api/v1/outputs/{world['output'].slug}/").json()
    assert output["press_contact"]["name"] == SECRET_NAME
    csv = b"".join(member_api.get("/api/v1/contacts/", {"format": "csv"}).streaming_content).decode()
    assert SECRET_NAME in csv


def test_anonymous_sees_a_public_contact_nested_without_private_notes(world, api):
    world["public_contact"].notes = "Prefers calls on Tuesdays"
    world["public_contact"].save()
    detail = api.get("/api/v1/organisations/nacro/").json()
    assert [contact["name"] for contact in detail["contacts"]] == ["Polly Public"]
    listed = api.get("/api/v1/contacts/").json()["results"]
    assert [(c["name"], c["notes"]) for c in listed] == [("Polly Public", "")]
    csv = b"".join(api.get("/api/v1/contacts/", {"format": "csv"}).streaming_content).decode()
    assert "Polly Public" in csv and "Tuesdays" not in csv


def test_anonymous_output_hides_a_private_press_contact(world, api):
    output = api.get(f"/api/v1/outputs/{world['output'].slug}/").json()
    assert output["press_contact"] is None
    world["secret"].is_public = True
    world["secret"].save()
    output = api.get(f"/api/v1/outputs/{world['output'].slug}/").json()
    assert output["press_contact"]["name"] == SECRET_NAME


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/hidden-trust/",
        "/api/v1/consortia/quiet-circle/",
    ],
)
def test_private_records_are_not_found_by_anonymous_callers(world, api, member_api, url):
    assert api.get(url).status_code == 404
    assert member_api.get(url).status_code == 200


def test_anonymous_lists_leave_out_private_records_and_their_links(world, api, member_api):
    def names(client, resource, key="name"):
        return {row[key] for row in client.get(f"/api/v1/{resource}/", {"page_size": 200}).json()["results"]}

    assert "Hidden Trust" not in names(api, "organisations")
    assert "Hidden Trust" in names(member_api, "organisations")
    assert "Quiet Circle" not in names(api, "consortia")
    assert "Hidden Trust" not in names(api, "memberships", "organisation_name")
    assert "Quiet Circle" not in names(api, "memberships", "consortium_name")
    assert "Hidden Trust" not in names(api, "relationships", "subject_name")
    assert "Hidden Trust" in names(member_api, "relationships", "subject_name")

    nacro = api.get("/api/v1/organisations/nacro/").json()
    assert "quiet-circle" not in {m["consortium"]["slug"] for m in nacro["current_memberships"]}
    output = api.get(f"/api/v1/outputs/{world['output'].slug}/").json()
    assert "hidden-trust" not in {c["organisation"] for c in output["contributors"]}
    consortium = api.get("/api/v1/consortia/mental-health-consortia/").json()
    assert "hidden-trust" not in {m["slug"] for m in consortium["current_members"]["partner"]}


def test_anonymous_cannot_probe_a_private_consortium_through_a_filter(world, api, member_api):
    response = api.get("/api/v1/organisations/", {"consortium": "quiet-circle"})
    assert response.status_code == 400
    assert "consortium" in response.json()
    assert member_api.get("/api/v1/organisations/", {"consortium": "quiet-circle"}).status_code == 200


def test_anonymous_consortium_csv_hides_a_private_parent(world, api, member_api):
    from tests.factories import ConsortiumFactory

    ConsortiumFactory(slug="open-child", name="Open Child", parent=world["hidden_consortium"])

    def parent_of(client):
        body = b"".join(client.get("/api/v1/consortia/", {"format": "csv"}).streaming_content).decode()
        return next(line for line in body.splitlines() if line.startswith("open-child,")).split(",")[4]

    assert parent_of(api) == ""
    assert parent_of(member_api) == "quiet-circle"
    assert api.get("/api/v1/consortia/open-child/").json()["parent"] is None
