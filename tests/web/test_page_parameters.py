"""Hostile values in every parameter of every page: never a 500 (issue 13, item 9).

Each page's every parameter (query-string parameters, and the slug in the
path) is sent each value in HOSTILE, raw as an attacker would type it into
the address bar. The client does not re-raise a view's exception, so a crash
shows as the status code a visitor would get. Run on SQLite and PostgreSQL
(PostgreSQL refuses a NUL byte in a query, so it is where a NUL crashed).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.factories import ConsortiumFactory, JointOutputFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LONG = "a" * 10_000

# Raw query-string values: percent-encodings are sent as typed, not re-encoded.
HOSTILE = {
    "NUL": "%00",
    "NUL inside": "clinks%00nacro",
    "ESC": "%1b%5B31m",
    "BEL": "%07",
    "DEL": "%7f",
    "C1 control": "%C2%85",
    "line break": "a%0d%0ab",
    "RTL override": "%E2%80%AEabc",
    "10,000 characters": LONG,
    "10,000 NULs": "%00" * 10_000,
    "raw bytes ff fe": "%ff%fe",
    "overlong slash": "%C0%AF",
    "lone surrogate": "%ED%A0%80",
    "truncated sequence": "caf%C3",
    "LIKE wildcards": "%25_",
    "percent alone": "%",
    "path climbing": "..%2F..%2Fetc%2Fpasswd",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "SQL": "'%3B%20DROP%20TABLE%20directory_organisation%3B--",
    "emoji": "%F0%9F%98%80",
    "Welsh": "T%C5%B7%20Hafan",
    "zero-width joiner": "a%E2%80%8Db",
    "empty": "",
    "spaces": "%20%20%20",
    "plus signs": "+++",
    "backslash": "%5C",
    "braces": "%7B%7D%5B%5D",
    "huge number": "9" * 400,
    "superscript two": "%C2%B2%C2%B2%C2%B2%C2%B2",
    "Arabic-Indic year": "%D9%A2%D9%A0%D9%A2%D9%A3",
    "negative": "-1",
}

SEARCH = ["q", "theme", "region", "classification", "consortium", "on", "page"]
CSV = "/organisations/download.csv"
PAGES = {
    "/": SEARCH,
    "/organisations/": SEARCH,
    CSV: SEARCH,
    "/organisations/nacro/": ["on"],
    "/consortia/": ["page", "q"],
    "/consortia/mental-health-consortia/": ["on"],
    "/consortia/mental-health-consortia/members.csv": ["on"],
    "/outputs/": ["kind", "consortium", "contributor", "theme", "year", "page"],
    "/outputs/download.csv": ["kind", "consortium", "contributor", "theme", "year"],
    "/outputs/race-mental-health-and-criminal-justice-moving-forward/": ["on"],
    "/accounts/login/": ["next"],
}
# The slug in the path is a parameter too: what a visitor gets is a 404, never a 500.
SLUG_PAGES = ["/organisations/{}/", "/consortia/{}/", "/outputs/{}/", "/consortia/{}/members.csv"]


@pytest.fixture
def hostile_client(seed):
    # A little more than the seed, so every filter has something to narrow.
    MembershipFactory(consortium__slug="ended", end_date="2020-01-01")
    JointOutputFactory(title="Dated Paper", published_on="2023-05-01")
    return Client(raise_request_exception=False)


# Repeated where one value is expected: the first is read, and checked like any other.
REPEATED = ["NUL", "RTL override", "raw bytes ff fe", "10,000 characters", "empty"]


def statuses(client, url: str, parameter: str) -> dict[str, int]:
    """The status for each hostile value alone, and for some repeated."""
    separator = "&" if "?" in url else "?"
    found = {}
    for label, value in HOSTILE.items():
        found[label] = client.get(f"{url}{separator}{parameter}={value}").status_code
    for label in REPEATED:
        value = HOSTILE[label]
        query = f"{parameter}={value}&{parameter}=1&{parameter}={value}"
        found[f"{label} (repeated)"] = client.get(f"{url}{separator}{query}").status_code
    return found


@pytest.mark.parametrize(("url", "parameter"), [(url, p) for url, parameters in PAGES.items() for p in parameters])
def test_no_hostile_value_in_a_page_parameter_is_a_server_error(hostile_client, url, parameter):
    found = statuses(hostile_client, url, parameter)

    assert {label: status for label, status in found.items() if status >= 500} == {}
    assert set(found.values()) <= {200, 302, 400}


@pytest.mark.parametrize("url", list(PAGES))
def test_a_hostile_parameter_name_is_not_a_server_error(hostile_client, url):
    separator = "&" if "?" in url else "?"
    found = {label: hostile_client.get(f"{url}{separator}{value}=1").status_code for label, value in HOSTILE.items()}

    assert {label: status for label, status in found.items() if status >= 500} == {}


@pytest.mark.parametrize("pattern", SLUG_PAGES)
def test_no_hostile_slug_in_a_page_address_is_a_server_error(hostile_client, pattern):
    found = {label: hostile_client.get(pattern.format(value)).status_code for label, value in HOSTILE.items()}

    assert {label: status for label, status in found.items() if status >= 500} == {}
    assert set(found.values()) <= {301, 404}


def test_a_hostile_next_on_the_login_form_is_not_a_server_error(hostile_client, member):
    for label, value in HOSTILE.items():
        response = hostile_client.post(
            f"/accounts/login/?next={value}",
            f"username=memb&password=password&next={value}",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302, label
        assert urlsplit(response.url).netloc in ("", "testserver"), label  # never off the site
        hostile_client.post("/accounts/logout/")


def notices_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/organisations/", "q"),
        ("/organisations/", "theme"),
        ("/organisations/", "consortium"),
        ("/", "region"),
        ("/outputs/", "theme"),
        ("/outputs/", "consortium"),
        ("/outputs/", "contributor"),
        ("/consortia/mental-health-consortia/", "on"),
        ("/organisations/nacro/", "on"),
    ],
)
@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("%00", "an invisible control character (U+0000 NUL) at character 1"),
        ("abc%1b", "an invisible control character (U+001B ESC) at character 4"),
        ("%E2%80%AEabc", "an invisible text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("%ff%fe", "it is not readable text (its bytes are not UTF-8)"),
        ("%C0%AF", "it is not readable text (its bytes are not UTF-8)"),
        (LONG, "it is 10,000 characters long"),
    ],
)
def test_a_value_a_page_cannot_read_is_left_out_with_a_notice_naming_the_parameter(
    seed, client, url, parameter, value, says
):
    page = notices_of(client.get(f"{url}?{parameter}={value}"))

    told = [
        message
        for message in re.findall(r'<p class="(?:notice|error)"[^>]*>(.*?)</p>', page)
        if f"“{parameter}” was left out: " in message
    ]
    assert len(told) == 1
    assert says in told[0]
    assert len(told[0]) < 300  # a long value is not repeated back


def test_a_value_given_twice_where_one_is_expected_uses_the_first_and_says_so(seed, client):
    search = client.get("/organisations/?q=nacro&q=clinks")
    outputs = notices_of(client.get("/outputs/?kind=report&kind=briefing"))

    assert [organisation.name for organisation in search.context["page"].object_list] == ["Nacro"]
    assert "“q” was given 2 times; only the first was used." in notices_of(search)
    assert "“kind” was given 2 times; only the first was used." in outputs


def test_an_outputs_filter_that_names_nothing_is_left_out_with_a_notice(seed, client):
    page = client.get("/outputs/", {"consortium": "no-such-consortium", "theme": "no-such-theme", "kind": "poem"})
    content = notices_of(page)

    assert "There is no consortium “no-such-consortium”, so that filter was left out." in content
    assert "There is no theme “no-such-theme”, so that filter was left out." in content
    assert "There is no kind of output “poem”, so that filter was left out." in content
    assert page.context["page"].paginator.count == 1  # the seed's briefing: nothing narrowed it


def test_a_hidden_consortium_is_a_consortium_that_does_not_exist_to_a_visitor(seed, client):
    ConsortiumFactory(slug="veiled", is_public=False)

    page = notices_of(client.get("/outputs/", {"consortium": "veiled"}))

    assert "There is no consortium “veiled”" in page


def test_a_year_in_other_digits_is_not_a_year(seed, client):
    page = notices_of(client.get("/outputs/?year=%C2%B2%C2%B2%C2%B2%C2%B2"))

    assert "“²²²²” is not a year, so that filter was left out." in page


def test_the_query_string_reader_keeps_order_and_marks_what_is_not_utf8():
    from web.params import read_query_string

    values = read_query_string("q=caf%C3%A9+bar&theme=a&theme=%ff&x&=1&theme=b%2Bc")

    assert values == {"q": ["café bar"], "theme": ["a", None, "b+c"], "x": [""], "": ["1"]}
