"""The browsable API names its pages as a person would: "API root › Organisations › Organisation"."""

import re

import pytest

pytestmark = pytest.mark.django_db


def breadcrumb(client, url: str) -> list[str]:
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    trail = re.search(r'<ul class="breadcrumb">(.*?)</ul>', response.content.decode(), re.S).group(1)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li.*?</li>", trail, re.S)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/", ["API root"]),
        ("/api/v1/organisations/", ["API root", "Organisations"]),
        ("/api/v1/organisations/nacro/", ["API root", "Organisations", "Organisation"]),
        ("/api/v1/consortia/", ["API root", "Consortia"]),
        ("/api/v1/consortia/mental-health-consortia/", ["API root", "Consortia", "Consortium"]),
        ("/api/v1/outputs/", ["API root", "Joint outputs"]),
        ("/api/v1/themes/", ["API root", "Themes"]),
    ],
)
def test_the_breadcrumb_names_each_level_and_no_not_found(seed, client, url, expected):
    # "/api/v1/organisations" (no slash) used to resolve to the catch-all route, a DRF view named "Not Found".
    assert breadcrumb(client, url) == expected


def test_the_page_heading_is_the_plural_name(seed, client):
    page = client.get("/api/v1/organisations/", HTTP_ACCEPT="text/html").content.decode()
    assert re.search(r"<h1>\s*Organisations\s*</h1>", page)


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_address_no_route_takes_still_answers_json_404(client, method):
    response = getattr(client, method)("/api/v1/organisations", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is nothing at this address. The API root lists what there is."}
