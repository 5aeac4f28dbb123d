"""The coordinators' admin in a real browser at 1,280 and 1,024 px: no list or change page scrolls sideways.

Issue 10, item 10: the organisation change page was 1,380–1,430 px wide (its inline tables), and the
organisation list cut off a column and wrapped names over four lines. The layout fixes are in
static/css/admin.css, loaded by templates/admin/base_site.html.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Membership
from directory.models import Organisation
from tests.factories import (
    ContactFactory,
    IdentifierFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    UserFactory,
)

from .conftest import restore_reference_data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 1024)

# Every admin model of the directory and the consortia, and for each its list, its add page and a change page.
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"directory", "consortia"}),
    key=lambda model: model._meta.label,
)

# Which parts of the page are wider than the page, or than the box that holds them (a table that scrolls
# inside its box, or is cut off by it). select2 keeps its own hidden <select> off screen and shortens a long
# choice with "…" by design: neither makes anything scroll.
SIDEWAYS = """() => {
  const width = window.innerWidth;
  const inner = [];
  for (const el of document.querySelectorAll('#content *')) {
    if (el.closest('.select2-selection, .select2-hidden-accessible') || el.clientWidth === 0) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (['auto', 'scroll', 'hidden'].includes(overflow) && el.scrollWidth > el.clientWidth + 1) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      inner.push(`${name} is ${el.scrollWidth} px in ${el.clientWidth}`);
    }
  }
  return {page: document.documentElement.scrollWidth, width, inner};
}"""

# Each record's name in the first column of a list, and the number of lines it takes.
NAME_LINES = """() => [...document.querySelectorAll('#result_list tbody th a')]
  .map(a => [a.textContent, a.getClientRects().length])"""


@pytest.fixture
def directory(live_server):
    """The seed, with rows in every inline and some long values, as coordinators record them."""
    restore_reference_data()
    call_command("load_seed", verbosity=0)
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    IdentifierFactory(organisation=amhp, scheme="GB-CHC", value="1234567")
    OrganisationNameFactory(
        organisation=amhp,
        name="Mental Health Providers Forum",
        kind="former",
        start_date=datetime.date(2001, 4, 1),
        end_date=datetime.date(2015, 3, 31),
        note="Renamed when it widened its membership to providers of every size across England and Wales.",
    )
    long_name = OrganisationFactory(
        slug="national-council-long-name",
        name="The National Council of Voluntary and Community Sector Organisations for Mental Health, "
        "Wellbeing and Criminal Justice in England and Wales",
        short_name="NCVCSOMHWCJEW",
        classification="representative-body",
        email="general.enquiries.and.correspondence@national-council-long-name.example.org.uk",
        website="https://www.national-council-long-name.example.org.uk/about-us/who-we-are/our-members",
        member_count=1250,
    )
    ContactFactory(organisation=long_name, name="Rhiannon Llewellyn-Pritchard", job_title="Head of Policy")
    MembershipFactory(
        organisation=long_name,
        consortium=Consortium.objects.get(slug="mental-health-consortia"),
        role="partner",
        start_date=datetime.date(2019, 4, 1),
        note="Joined as a partner after the 2019 review of the consortium's membership and governance.",
    )
    return amhp


def log_in(page, live_server, user) -> None:
    """Log in by session cookie: the login form is not what these tests are about."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def admin_pages(amhp) -> list[str]:
    chosen = {
        Organisation: amhp,
        Consortium: Consortium.objects.get(slug="mental-health-consortia"),
        Membership: Membership.objects.filter(note__startswith="Joined").first(),
    }
    pages = []
    for model in MODELS:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        instance = chosen.get(model) or model.objects.order_by("pk").first()
        if instance is not None:
            pages.append(reverse(f"{info}_change", args=[instance.pk]))
    return pages


def sideways(page, pages) -> dict[str, str]:
    problems = {}
    for url in pages:
        page.goto(url)
        found = page.evaluate(SIDEWAYS)
        if found["page"] > found["width"]:
            problems[url] = f"the page is {found['page']} px wide in a {found['width']} px window"
        elif found["inner"]:
            problems[url] = "; ".join(found["inner"][:3])
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_no_admin_list_or_change_page_scrolls_sideways(directory, page, live_server, width):
    log_in(page, live_server, UserFactory(username="coord", group="Coordinators", is_staff=True))
    page.set_viewport_size({"width": width, "height": 900})

    assert sideways(page, admin_pages(directory)) == {}

    page.goto(reverse("admin:directory_organisation_changelist"))
    assert page.get_by_role("columnheader", name="Updated").is_visible(), "the last column is not cut off"
    lines = dict(page.evaluate(NAME_LINES))
    assert lines["Association of Mental Health Providers"] <= 2, "a name of a few words takes two lines at most"
    assert all(count <= 2 for name, count in lines.items() if len(name) <= 60), lines
    if width == 1024:
        screenshot(page, "admin-organisations-1024")
        page.goto(reverse("admin:directory_organisation_change", args=[directory.pk]))
        screenshot(page, "admin-organisation-change-1024")
        page.goto(reverse("admin:consortia_consortium_change", args=[directory.memberships.first().consortium_id]))
        screenshot(page, "admin-consortium-change-1024")
        page.goto(reverse("admin:consortia_membership_changelist"))
        screenshot(page, "admin-memberships-1024")


def test_the_navigation_sidebar_starts_closed_below_1440_px_and_stays_as_chosen(directory, page, live_server):
    log_in(page, live_server, UserFactory(username="coord", group="Coordinators", is_staff=True))
    page.goto(reverse("admin:directory_organisation_changelist"))
    sidebar = page.locator("#nav-sidebar")
    assert sidebar.get_attribute("aria-expanded") == "false"

    page.get_by_role("button", name="Toggle navigation").click()
    page.goto(reverse("admin:consortia_consortium_changelist"))
    assert sidebar.get_attribute("aria-expanded") == "true", "the coordinator's choice is remembered"


def test_with_the_sidebar_open_no_page_scrolls_sideways_at_1280_px(directory, page, live_server):
    """A coordinator who opens the sidebar gets a narrower table, never a page wider than the window."""
    log_in(page, live_server, UserFactory(username="coord", group="Coordinators", is_staff=True))
    page.goto(reverse("admin:index"))
    page.evaluate("localStorage.setItem('django.admin.navSidebarIsOpen', 'true')")
    problems = {}
    for url in admin_pages(directory):
        page.goto(url)
        found = page.evaluate(SIDEWAYS)
        if found["page"] > found["width"]:
            problems[url] = f"the page is {found['page']} px wide in a {found['width']} px window"
    assert page.locator("#nav-sidebar").get_attribute("aria-expanded") == "true"
    assert problems == {}
