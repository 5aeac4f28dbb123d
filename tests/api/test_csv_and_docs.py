"""`?format=csv` on every list, and the self-hosted OpenAPI docs."""

import csv
import io
import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import OrganisationFactory, ThemeFactory

LISTS = ["organisations", "consortia", "memberships", "outputs", "contacts", "themes", "regions", "relationships"]


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_answers_csv_with_a_header(world, member_api, resource):
    response = member_api.get(f"/api/v1/{resource}/", {"format": "csv"})
    rows = read_csv(response)
    assert len(rows) == member_api.get(f"/api/v1/{resource}/", {"page_size": 200}).json()["count"]
    assert "attachment" in response["Content-Disposition"]


def test_csv_has_the_same_filtered_rows_unpaginated(db, api):
    housing = ThemeFactory(slug="housing")
    for number in range(230):
        OrganisationFactory(slug=f"org-{number:03}", themes=[housing] if number % 2 else [])
    listed = api.get("/api/v1/organisations/", {"theme": "housing"}).json()
    rows = read_csv(api.get("/api/v1/organisations/", {"theme": "housing", "format": "csv"}))
    assert len(rows) == listed["count"] == 115
    assert {row["slug"] for row in rows} == {f"org-{n:03}" for n in range(1, 230, 2)}
    assert rows[0]["themes"] == "housing"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(db, api):
    OrganisationFactory(name='=HYPERLINK("http://evil.example","click")', slug="evil", short_name="@SUM(1)")
    row = read_csv(api.get("/api/v1/organisations/", {"format": "csv"}))[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["short_name"] == "'@SUM(1)"


def test_csv_is_offered_on_lists_only(seed, api):
    # 406 naming the formats there are, not a 404 that would read as "no such organisation".
    response = api.get("/api/v1/organisations/nacro/", {"format": "csv"})
    assert response.status_code == 406
    assert response.json() == {"detail": "Unknown format “csv” for this address: give one of api, json."}
    assert api.get("/api/v1/organisations/nacro/", {"format": "json"}).status_code == 200


def test_schema_is_openapi_3_with_every_endpoint(db, api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    for resource in LISTS:
        assert f"/api/v1/{resource}/" in schema["paths"]
    detail = "/api/v1/organisations/{slug}/"
    assert set(schema["paths"][detail]) >= {"get", "put", "patch", "delete"}
    csv_body = schema["paths"]["/api/v1/organisations/"]["get"]["responses"]["200"]["content"]["text/csv"]
    assert csv_body["schema"]["type"] == "string"


def test_docs_load_their_assets_from_this_site_not_a_cdn(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page should load scripts"
    for asset in assets:
        assert asset.startswith("/static/") or asset.startswith("/api/v1/"), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is not served by this project"
    # The page carries a random CSRF token, which may happen to contain the letters "cdn".
    without_tokens = re.sub(r'"[A-Za-z0-9]{32,}"', '""', html)
    assert "cdn" not in without_tokens.lower() and "https://" not in html
    assert "/api/v1/schema/" in html
