"""Every list page's "Download as CSV" gives exactly what the page lists, filters included (issue 10, item 9).

The tests follow the link the page itself shows, so they check the link's
filters as well as the download's rows.
"""

import csv
import datetime
import html
import io
import re

import pytest

from consortia.models import Consortium
from tests.factories import (
    ConsortiumFactory,
    ContactFactory,
    ContributorFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def download_link(page) -> str:
    """The href of the page's (first) "Download as CSV" link."""
    found = re.search(r'<a href="([^"]+)" download>Download as CSV', page.content.decode())
    assert found, "no Download as CSV link on the page"
    return html.unescape(found.group(1))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads "Tŷ Hafan" as written
    return list(csv.DictReader(io.StringIO(body[1:])))


def every_page(client, url, params) -> list:
    """The records a list shows, page after page."""
    shown, number = [], 1
    while True:
        response = client.get(url, {**params, "page": number})
        page = response.context["page"]
        shown += list(page.object_list)
        if not page.has_next():
            return shown
        number += 1


@pytest.fixture
def themed(db):
    """25 organisations with a theme (two pages of results), some in a consortium, and others without."""
    justice = ThemeFactory(slug="justice-y", name="Justice Y")
    other = ThemeFactory(slug="other-y", name="Other Y")
    consortium = ConsortiumFactory(slug="c-y", name="Consortium Y")
    for number in range(25):
        organisation = OrganisationFactory(name=f"Tŷ Justice {number:02}", themes=[justice])
        if number % 2:
            MembershipFactory(organisation=organisation, consortium=consortium, role="partner")
    OrganisationFactory(name="Hidden Justice", themes=[justice], is_public=False)
    OrganisationFactory(name="Unrelated", themes=[other])
    return consortium


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "justice-y"},
        {"theme": "justice-y", "consortium": "c-y"},
        {"theme": "justice-y", "q": "justice"},
        {"theme": "justice-y", "classification": "charity", "q": "justice", "consortium": "c-y"},
    ],
)
def test_the_search_download_lists_every_organisation_the_pages_list_in_their_order(themed, client, params):
    first = client.get("/organisations/", params)
    shown = [organisation.slug for organisation in every_page(client, "/organisations/", params)]

    rows = csv_rows(client.get(download_link(first)))

    assert [row["slug"] for row in rows] == shown
    assert len(shown) == first.context["page"].paginator.count > 0
    assert "hidden-justice" not in {row["slug"] for row in rows}
    assert rows[0]["name"].startswith("Tŷ Justice")


def test_the_search_download_follows_who_may_see(themed, client, member):
    client.force_login(member)

    rows = csv_rows(client.get("/organisations/download.csv", {"theme": "justice-y"}))

    assert "Hidden Justice" in {row["name"] for row in rows}
    assert len(rows) == 26


def test_the_search_download_leaves_out_what_the_page_leaves_out(themed, client):
    # An unknown theme is left out with a notice on the page, so the download lists what the page lists.
    params = {"theme": ["justice-y", "no-such-theme"], "q": "justice\x00"}
    page = client.get("/organisations/", params)

    rows = csv_rows(client.get("/organisations/download.csv", params))

    assert len(rows) == page.context["page"].paginator.count == 25


@pytest.fixture
def outputs(db):
    justice = ThemeFactory(slug="justice-z", name="Justice Z")
    consortium = ConsortiumFactory(slug="c-z", name="Consortium Z")
    author = OrganisationFactory(slug="author-z", name="Author Z")
    hidden = OrganisationFactory(slug="hidden-z", is_public=False)
    press = ContactFactory(organisation=hidden, name="Private Press Person", is_public=True)
    for number in range(23):
        output = JointOutputFactory(
            title=f"Report {number:02}",
            kind="report",
            published_on=datetime.date(2020 + number % 4, 1 + number % 12, 1) if number % 5 else None,
            consortium=consortium if number % 3 else None,
            press_contact=press,
        )
        output.themes.add(justice)
        ContributorFactory(output=output, organisation=author)
    JointOutputFactory(title="Untouched Briefing", kind="briefing")
    JointOutputFactory(title="Secret Report", kind="report", is_public=False)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "report"},
        {"kind": "report", "consortium": "c-z"},
        {"theme": "justice-z", "contributor": "author z"},
        {"year": "2021"},
    ],
)
def test_the_outputs_download_lists_every_output_the_pages_list_in_their_order(outputs, client, params):
    first = client.get("/outputs/", params)
    shown = [output.slug for output in every_page(client, "/outputs/", params)]

    rows = csv_rows(client.get(download_link(first)))

    assert [row["slug"] for row in rows] == shown
    assert len(rows) == first.context["page"].paginator.count > 0
    assert "Secret Report" not in {row["title"] for row in rows}


def test_the_outputs_download_names_no_press_contact_a_visitor_may_not_see(outputs, client, member):
    visitor = csv_rows(client.get("/outputs/download.csv", {"kind": "report"}))
    client.force_login(member)
    seen = csv_rows(client.get("/outputs/download.csv", {"kind": "report"}))

    assert {row["press_contact"] for row in visitor} == {""}
    assert {row["press_contact"] for row in seen if row["title"] != "Secret Report"} == {"Private Press Person"}
    assert len(seen) == 24 and len(visitor) == 23


def test_the_outputs_download_reads_a_constant_number_of_queries(outputs, client, django_assert_num_queries):
    # exists() for the consortium, the count, one batch of slugs, then the exporter's batch, its themes,
    # and the press contacts a visitor may see
    with django_assert_num_queries(6):
        response = client.get("/outputs/download.csv", {"consortium": "c-z"})
        assert len(csv_rows(response)) == 15


def test_a_consortiums_member_downloads_list_its_current_past_and_dated_members(seed, client):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    MembershipFactory(
        consortium=consortium,
        organisation=OrganisationFactory(name="Former Friend", slug="former-friend"),
        role="member",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    MembershipFactory(consortium=consortium, organisation=OrganisationFactory(is_public=False), role="partner")
    page = client.get("/consortia/mental-health-consortia/")
    content = page.content.decode()
    links = [html.unescape(href) for href in re.findall(r'<a href="([^"]+)" download>Download as CSV', content)]

    current, past = (csv_rows(client.get(link)) for link in links)
    dated = csv_rows(client.get("/consortia/mental-health-consortia/members.csv", {"on": "2016-06-01"}))

    # AMHP is listed once on the page, as lead and partner; the file has a row per role, leads first.
    assert [(row["organisation"], row["role"]) for row in current] == [
        ("association-of-mental-health-providers", "lead"),
        ("association-of-mental-health-providers", "partner"),
        ("clinks", "partner"),
        ("mental-health-foundation", "partner"),
        ("nacro", "partner"),
    ]
    assert [(row["organisation"], row["end_date"]) for row in past] == [("former-friend", "2018-12-31")]
    # The seed's memberships have no dates, so they were in force then too (a blank date is open).
    assert "former-friend" in {row["organisation"] for row in dated}
    assert len(dated) == 6


def test_a_hidden_consortiums_member_download_is_not_found(db, client):
    ConsortiumFactory(slug="veiled", is_public=False)

    assert client.get("/consortia/veiled/members.csv").status_code == 404
    assert client.get("/consortia/veiled/past-members.csv").status_code == 404


def test_the_search_download_reads_a_constant_number_of_queries(themed, client, django_assert_num_queries):
    for number in range(30):
        OrganisationFactory(name=f"More Justice {number}", themes=[ThemeFactory(slug="justice-y")])

    # themes, regions, the consortia chosen, the counts, one batch of slugs, then the exporter's batch
    # with its identifiers, names, themes and regions
    with django_assert_num_queries(10):
        response = client.get("/organisations/download.csv", {"theme": "justice-y", "consortium": "c-y"})
        assert len(csv_rows(response)) == 12
