"""The web directory in a real (headless Chromium) browser: what a visitor and a member do."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory

from .conftest import axe_violations, restore_reference_data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(live_server):
    restore_reference_data()
    call_command("load_seed", verbosity=0)


def search_for(page, words: str) -> None:
    page.goto("/")
    page.get_by_label("Search organisations by name, acronym, former name or subject").fill(words)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def result_titles(page) -> list[str]:
    return page.locator("ol.results .card__title a").all_inner_texts()


def test_search_for_race_equality_finds_the_foundation(seeded, page):
    page.goto("/")
    screenshot(page, "home")

    search_for(page, "race equality")

    assert result_titles(page)[0] == "Race Equality Foundation"
    assert "race+equality" in page.url  # the search can be shared or bookmarked
    screenshot(page, "search-race-equality")


def test_filtering_by_the_mental_health_consortia_shows_its_partners(seeded, page):
    page.goto("/organisations/")
    page.get_by_label("Mental Health Consortia").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()

    assert result_titles(page) == [
        "Association of Mental Health Providers",
        "Clinks",
        "Mental Health Foundation",
        "Nacro",
    ]
    assert "consortium=mental-health-consortia" in page.url


def test_a_former_name_finds_the_alliance(seeded, page):
    search_for(page, "strategic partnership programme")

    page.get_by_role("link", name="Health and Wellbeing Alliance").first.click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Health and Wellbeing Alliance"
    assert page.get_by_text("Strategic Partnership Programme").is_visible()


def test_a_member_logs_in_and_sees_the_telephone_number_a_visitor_cannot(seeded, page):
    UserFactory(username="dania-reader", group="Members")
    page.goto("/organisations/association-of-mental-health-providers/")
    assert "020 7766 7496" not in page.content()
    assert "Dania Hanif" not in page.content()

    page.get_by_role("link", name="log in").first.click()
    page.get_by_label("Username").fill("dania-reader")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text().startswith("Association of Mental Health Providers")
    assert page.get_by_text("Dania Hanif").is_visible()
    assert page.get_by_role("link", name="020 7766 7496").is_visible()
    screenshot(page, "organisation-amhp-member")


def test_keyboard_alone_reaches_the_results(seeded, page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")

    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("nacro")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Nacro":
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/organisations/nacro/"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Nacro"


def test_main_pages_have_no_serious_accessibility_violations(seeded, page):
    pages = {
        "home": "/",
        "search results": "/organisations/?q=mental+health&theme=mental-health",
        "no results": "/organisations/?q=zzqx",
        "organisation": "/organisations/association-of-mental-health-providers/",
        "consortia": "/consortia/",
        "consortium": "/consortia/mental-health-consortia/?on=2020-01-01",
        "outputs": "/outputs/",
        "output": "/outputs/race-mental-health-and-criminal-justice-moving-forward/",
        "log in": "/accounts/login/",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(path)
        found = axe_violations(page)
        if found:
            problems[name] = found
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/organisations/?q=clinks")
    screenshot(page, "search-clinks-phone")
    if found := axe_violations(page):
        problems["search on a phone"] = found

    assert problems == {}
