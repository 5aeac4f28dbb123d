"""Query parameters are read strictly and every error under /api/ is JSON.

A parameter the address does not take is refused, naming it and listing those it does (`?q=` used
to be ignored and returned everything); `q` is another name for `search`; an empty or repeated
value is refused; an unknown format is a 406 listing the formats.
"""

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from api import filters
from api.urls import router
from tests.test_errors import database_down

PAGES = {"page", "page_size", "format"}
RECORDS = {
    "organisations": "nacro",
    "consortia": "mental-health-consortia",
    "memberships": None,
    "outputs": "race-mental-health-and-criminal-justice-moving-forward",
    "contacts": None,
    "themes": "race-equality",
    "regions": "wales",
    "relationships": None,
}
# What a record's address takes besides `format`: the date of the memberships it shows.
RECORD_PARAMETERS = {"organisations": {"as_of"}, "consortia": {"as_of"}}


def filterset(prefix):
    return next(viewset for p, viewset, _ in router.registry if p == prefix).filterset_class


def detail_url(client, prefix):
    key = RECORDS[prefix]
    if key is None:
        key = client.get(f"/api/v1/{prefix}/").json()["results"][0]["id"]
    return f"/api/v1/{prefix}/{key}/"


def accepted_in(message: str) -> set[str]:
    assert message.startswith("Unknown parameter. This address takes: ")
    return set(message.removeprefix("Unknown parameter. This address takes: ").removesuffix(".").split(", "))


@pytest.mark.parametrize("prefix", sorted(RECORDS))
def test_a_list_refuses_an_unknown_parameter_naming_it_and_those_it_takes(world, member_api, prefix):
    for extra in ({}, {"format": "csv"}):
        response = member_api.get(f"/api/v1/{prefix}/", {"colour": "blue", **extra})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == ["colour"]
        accepted = accepted_in(response.json()["colour"][0])
        assert accepted == filters.parameter_names(filterset(prefix)) | PAGES
    # Everything it says it takes, it does take ("x" may be a bad value for some, but not an unknown parameter).
    response = member_api.get(f"/api/v1/{prefix}/", dict.fromkeys(accepted - {"format"}, "x"))
    assert "Unknown parameter" not in response.content.decode()


@pytest.mark.parametrize("prefix", sorted(RECORDS))
def test_a_record_refuses_an_unknown_parameter(world, member_api, prefix):
    url = detail_url(member_api, prefix)
    response = member_api.get(url, {"page": "2"})
    assert response.status_code == 400
    assert accepted_in(response.json()["page"][0]) == {"format"} | RECORD_PARAMETERS.get(prefix, set())
    assert member_api.get(url, {"format": "json"}).status_code == 200


def test_writes_refuse_unknown_parameters_too(seed, coordinator_api):
    response = coordinator_api.patch("/api/v1/themes/race-equality/?dry_run=1", {"name": "Race"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["dry_run"]
    assert coordinator_api.get("/api/v1/themes/race-equality/").json()["name"] == "Race equality"


def test_the_api_root_and_token_exchange_refuse_unknown_parameters(db, api):
    assert api.get("/api/v1/", {"colour": "blue"}).json() == {
        "colour": ["Unknown parameter. This address takes: format."]
    }
    assert list(api.post("/api/v1/token/?next=/", {"username": "a", "password": "b"}, format="json").json()) == ["next"]


def names(client, prefix, **params):
    response = client.get(f"/api/v1/{prefix}/", params)
    assert response.status_code == 200, response.content
    return [row.get("slug") for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("prefix", "words", "expected"),
    [
        ("organisations", "clinks", "clinks"),
        ("consortia", "strategic partnership", "health-and-wellbeing-alliance"),
        ("outputs", "criminal justice", "race-mental-health-and-criminal-justice-moving-forward"),
    ],
)
def test_q_is_another_name_for_search(seed, api, prefix, words, expected):
    found = names(api, prefix, q=words)
    assert found == names(api, prefix, search=words)
    assert found[0] == expected
    # It narrows the list (it used to be ignored, and every record came back).
    assert names(api, prefix, q="zzyzx") == [] != names(api, prefix)


def test_q_and_search_together_are_refused(seed, api):
    response = api.get("/api/v1/organisations/", {"q": "clinks", "search": "nacro"})
    assert response.status_code == 400
    assert response.json() == {"q": ["q is another name for search: give one of them."]}


def test_q_where_there_is_no_search_is_an_unknown_parameter(seed, api):
    response = api.get("/api/v1/memberships/", {"q": "nacro"})
    assert response.status_code == 400
    assert "search" not in accepted_in(response.json()["q"][0])


def test_q_is_documented_beside_search(db, api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/organisations/", "/api/v1/consortia/", "/api/v1/outputs/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert "search" in parameters["q"]["description"]
    description = schema["paths"]["/api/v1/organisations/"]["get"]["responses"]["400"]["description"]
    assert "parameter" in description


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=", "page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("page=1&page=2", "page"),
        ("page=%C2%B2", "page"),  # a superscript two is a digit to str.isdigit()
        ("format=", "format"),
        ("format=json&format=csv", "format"),
        ("ordering=,", "ordering"),
        ("ordering=name,", "ordering"),
        ("ordering=name,,-founded_on", "ordering"),
        ("ordering=name&ordering=-name", "ordering"),
        ("consortium=mental-health-consortia&consortium=quiet-circle", "consortium"),
        ("search=a&search=b", "search"),
        ("q=", "q"),
    ],
)
@pytest.mark.parametrize("csv", [False, True])
def test_an_empty_or_repeated_value_is_refused_naming_the_parameter(world, member_api, query, parameter, csv):
    suffix = "&format=csv" if csv and not query.startswith("format") else ""
    response = member_api.get(f"/api/v1/organisations/?{query}{suffix}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [parameter]


def test_repeating_a_parameter_that_takes_several_values_still_works(world, api):
    assert names(api, "organisations", classification=["charity", "membership-body"])


def test_a_page_past_the_last_is_a_404(seed, api):
    response = api.get("/api/v1/organisations/", {"page": "99"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("url", "formats"),
    [
        ("/api/v1/organisations/?format=xml", "api, csv, json"),
        ("/api/v1/organisations/nacro/?format=csv", "api, json"),
        ("/api/v1/?format=yaml", "api, json"),
    ],
)
def test_an_unknown_format_is_a_406_naming_the_formats(seed, api, url, formats):
    response = api.get(url)
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].endswith(f"for this address: give one of {formats}.")


@pytest.fixture
def script():
    """A script that asks for nothing in particular, and a server that answers faults rather than raising them."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("delete", "/api/v1/", 405),
        ("post", "/api/v1/", 405),
        ("post", "/api/v1/schema/", 405),
        ("get", "/api/v1/token/", 405),
        ("get", "/api/v1/schema/?format=xml", 406),
        ("get", "/api/v1/docs/?format=xml", 406),
        ("get", "/api/v1/schema/?format=", 400),
        ("post", "/api/v1/token/", 415),
    ],
)
def test_every_error_under_the_api_is_json(db, script, method, url, status):
    body = {} if method == "get" else {"data": "x", "content_type": "text/plain"}
    response = getattr(script, method)(url, **body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail" if status != 400 else "format"]


def test_a_method_a_list_does_not_take_is_a_json_405(seed, coordinator_api):
    response = coordinator_api.delete("/api/v1/organisations/?format=csv")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_a_write_in_an_unsupported_media_type_is_a_json_415(seed, coordinator_api):
    response = coordinator_api.post(
        "/api/v1/themes/", "slug=x&name=X", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", ["/api/v1/organisations/?format=csv", "/api/v1/schema/", "/api/v1/"])
def test_throttling_is_a_json_429_with_retry_after(db, script, monkeypatch, url):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": None, "token": None})
    assert script.get(url).status_code == 200
    response = script.get(url)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_csv_list_answers_503_when_the_database_is_down_before_the_first_row(script):
    # A streamed body has sent its 200 before the first row is read; the first rows are read first.
    with database_down():
        response = script.get("/api/v1/organisations/?format=csv")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
