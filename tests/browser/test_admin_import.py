"""A coordinator imports organisations through the admin, then the directory shows them at once (issue 10).

The directory page was open before the import, so its counts were cached: the very next request after the
import must show every new organisation and the right total, not the cached five.
"""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from directory.models import Organisation
from tests.factories import UserFactory

from .conftest import restore_reference_data, screenshot
from .test_directory import result_titles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect = pytest.importorskip("playwright.sync_api").expect

NEW = [f"Partner Charity {number:02d}" for number in range(1, 22)] + ["Tŷ Hafan Partners"]


def excel_file() -> bytes:
    """22 organisations saved the way Excel saves “CSV UTF-8”: a byte-order mark and CRLF line ends."""
    lines = ["name,short_name,classification,themes,regions,description"]
    for number, name in enumerate(NEW):
        theme = "criminal-justice" if number % 2 else "mental-health"
        lines.append(f'{name},,charity,{theme},wales,"Works with partners, across Wales."')
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def coordinator_page(live_server, page):
    restore_reference_data()
    call_command("load_seed", verbosity=0)
    client = Client()
    client.force_login(UserFactory(username="coord", group="Coordinators", is_staff=True))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def directory_titles(page) -> list[str]:
    titles = []
    for number in range(1, 10):
        page.goto(f"/organisations/?page={number}")
        found = result_titles(page)
        if not found or (titles and found[0] in titles):
            break
        titles += found
    return titles


def test_an_admin_import_shows_in_the_directory_at_once(coordinator_page):
    page = coordinator_page
    page.goto("/organisations/")
    assert page.locator("#results-heading").inner_text().strip() == "All organisations: 5"

    page.goto("/admin/directory/organisation/")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "members-2024.csv", "mimeType": "text/csv", "buffer": excel_file()}]
    )
    page.get_by_role("button", name="Check the file").click()
    assert page.locator("#count-new").inner_text() == "22"
    new_records = page.locator("table.csv-new")
    assert new_records.get_by_role("cell", name="Tŷ Hafan Partners").is_visible()
    assert new_records.get_by_role("cell", name="Works with partners, across Wales.").first.is_visible()
    screenshot(page, "admin-import-preview")
    assert not Organisation.objects.filter(name__in=NEW).exists(), "nothing is written before the confirmation"

    page.get_by_role("button", name="Import 22 new and changed rows").click()
    expect(page.get_by_text("Imported 22 organisations")).to_be_visible()

    page.goto("/organisations/")
    assert page.locator("#results-heading").inner_text().strip() == "All organisations: 27"
    titles = directory_titles(page)
    assert len(titles) == 27
    assert set(NEW) <= set(titles)


def test_the_import_pages_fit_1024_px_and_cancel_writes_nothing(coordinator_page):
    page = coordinator_page
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto("/admin/directory/organisation/import-csv/")
    page.get_by_role("link", name="What each column holds").click()
    expect(page.get_by_role("rowheader", name="classification")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot(page, "admin-import-columns-1024")

    page.get_by_role("link", name="Back to the import").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template for organisations").click()
    assert download.value.suggested_filename == "organisations-template.csv"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "members-2024.csv", "mimeType": "text/csv", "buffer": excel_file()}]
    )
    page.get_by_role("button", name="Check the file").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot(page, "admin-import-preview-1024")
    page.get_by_role("button", name="Cancel").click()

    expect(page).to_have_url(re.compile(r"/admin/directory/organisation/$"))
    expect(page.get_by_text("Import cancelled: nothing was written")).to_be_visible()
    assert not Organisation.objects.filter(name__in=NEW).exists()
