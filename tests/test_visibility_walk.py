"""The visibility walk: one hidden record of each kind, and every channel a visitor can read.

Who may see what has one home, each queryset's `public()` asked through
`visible_to(user)` (docs/architecture.md, visibility). This walk proves the
channels keep to it: every web page reachable from the home page (lists,
details, filters, search, the date views), facet and member counts, every
API list and detail as JSON and as CSV, the API's search and filters. A
visitor must never meet a hidden record's name, email or telephone number,
and its own page must answer 404. A logged-in member meets every one of
them, so the walk would notice if the channels showed nothing at all.
"""

import datetime
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import (
    ConsortiumFactory,
    ConsortiumNameFactory,
    ContactFactory,
    ContributorFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    RelationshipFactory,
    ThemeFactory,
    region,
)

pytestmark = pytest.mark.django_db

API_LISTS = ["organisations", "consortia", "memberships", "outputs", "contacts", "themes", "regions", "relationships"]


@pytest.fixture(autouse=True)
def no_throttling_or_cached_counts(monkeypatch):
    """The walk makes hundreds of requests; counts are cached per kind of viewer, start with none."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "token": None})
    cache.clear()
    yield
    cache.clear()


def phone_forms(e164: str) -> tuple[str, ...]:
    number = PhoneNumber.from_string(e164)
    return (number.as_e164, number.as_national, number.as_international, str(number.national_number))


@pytest.fixture
def walk(db):
    """Public records that lead to hidden ones, and one hidden record of each kind, each with a name of its own."""
    theme = ThemeFactory(slug="walk-theme", name="Walk Theme")
    wales = region("wales")
    harbour = OrganisationFactory(
        name="Open Harbour Charity", slug="open-harbour", themes=[theme], regions=[wales], classification="charity"
    )
    meadow = OrganisationFactory(
        name="Open Meadow Trust", slug="open-meadow", themes=[theme], regions=[wales], classification="charity"
    )
    circle = ConsortiumFactory(name="Open Walk Circle", slug="walk-circle")
    MembershipFactory(organisation=harbour, consortium=circle, role="partner")
    MembershipFactory(organisation=meadow, consortium=circle, role="member")

    # A hidden organisation, with a former name, a telephone number and a contact marked public.
    hidden_org = OrganisationFactory(
        name="Xylophage Lantern Trust",
        slug="xylophage-lantern",
        email="office@xylophage-lantern.example",
        phone="+442079460101",
        is_public=False,
        themes=[theme],
        regions=[wales],
        classification="charity",
        description="Quietly kept away from visitors.",
    )
    OrganisationNameFactory(organisation=hidden_org, name="Quillon Heritage Fund", kind="former")
    ContactFactory(
        organisation=hidden_org,
        name="Ottoline Marchbank",
        email="ottoline@xylophage-lantern.example",
        phone="+442079460404",
        is_public=True,
    )
    # A hidden consortium, with another name, a public member and a public consortium inside it.
    hidden_consortium = ConsortiumFactory(name="Zanzibar Velvet Circle", slug="zanzibar-velvet", is_public=False)
    ConsortiumNameFactory(consortium=hidden_consortium, name="Murmur Guild")
    MembershipFactory(organisation=meadow, consortium=hidden_consortium, role="lead")
    ConsortiumFactory(name="Open Orchard Network", slug="open-orchard", parent=hidden_consortium)
    # A membership (in the lead) and a relationship involving the hidden organisation.
    hidden_membership = MembershipFactory(organisation=hidden_org, consortium=circle, role="lead")
    hidden_link = RelationshipFactory(subject=hidden_org, object=harbour, start_date=datetime.date(2015, 1, 1))
    RelationshipFactory(subject=meadow, object=harbour)
    # An output of the hidden consortium; an output whose only contributor is hidden.
    of_hidden = JointOutputFactory(
        title="Brambling Report on Quiet Matters", slug="brambling-report", consortium=hidden_consortium
    )
    ContributorFactory(output=of_hidden, organisation=harbour)
    all_hidden = JointOutputFactory(title="Cormorant Briefing of Unseen Hands", slug="cormorant-briefing")
    ContributorFactory(output=all_hidden, organisation=hidden_org, role="lead")
    # A public output with a hidden contributor line and a private press contact.
    press = ContactFactory(
        organisation=harbour,
        name="Barnaby Thistlecrook",
        email="barnaby@open-harbour.example",
        phone="+442079460303",
        is_public=False,
    )
    shared = JointOutputFactory(
        title="Open Shared Briefing", slug="open-shared", consortium=circle, press_contact=press
    )
    shared.themes.add(theme)
    ContributorFactory(output=shared, organisation=harbour, role="lead")
    ContributorFactory(output=shared, organisation=hidden_org, role="endorser")
    # A private contact at a public organisation.
    private = ContactFactory(
        organisation=harbour,
        name="Wilhelmina Fogwhistle",
        email="wilhelmina@open-harbour.example",
        phone="+442079460202",
        is_public=False,
    )
    ContactFactory(organisation=harbour, name="Polly Open", email="polly@open-harbour.example", is_public=True)

    # Each telltale in every form a channel might print it (a telephone number has four).
    telltales = [
        ("Xylophage Lantern Trust",),
        ("office@xylophage-lantern.example",),
        phone_forms("+442079460101"),
        ("Quillon Heritage Fund",),
        ("Quietly kept away from visitors",),
        ("Ottoline Marchbank",),
        ("ottoline@xylophage-lantern.example",),
        phone_forms("+442079460404"),
        ("Zanzibar Velvet Circle",),
        ("Murmur Guild",),
        ("Brambling Report on Quiet Matters",),
        ("Cormorant Briefing of Unseen Hands",),
        ("Barnaby Thistlecrook",),
        ("barnaby@open-harbour.example",),
        phone_forms("+442079460303"),
        ("Wilhelmina Fogwhistle",),
        ("wilhelmina@open-harbour.example",),
        phone_forms("+442079460202"),
    ]
    return {
        "telltales": telltales,
        "hidden_pages": [
            hidden_org.get_absolute_url(),
            hidden_consortium.get_absolute_url(),
            of_hidden.get_absolute_url(),
            all_hidden.get_absolute_url(),
        ],
        "hidden_api": [
            "/api/v1/organisations/xylophage-lantern/",
            "/api/v1/consortia/zanzibar-velvet/",
            "/api/v1/outputs/brambling-report/",
            "/api/v1/outputs/cormorant-briefing/",
            f"/api/v1/contacts/{private.pk}/",
            f"/api/v1/contacts/{press.pk}/",
            f"/api/v1/memberships/{hidden_membership.pk}/",
            f"/api/v1/relationships/{hidden_link.pk}/",
        ],
    }


# Searches use one word of a name: the page repeats the query, never the whole name.
SEARCH_WORDS = [
    "xylophage",
    "lantern",
    "quillon",
    "marchbank",
    "zanzibar",
    "murmur",
    "orchard",
    "brambling",
    "cormorant",
]
ON = ["2016-06-01", timezone.localdate().isoformat()]


def web_starts() -> list[str]:
    starts = ["/", "/organisations/", "/consortia/", "/outputs/"]
    starts += [f"/organisations/?q={word}" for word in SEARCH_WORDS]
    starts += [
        "/organisations/?theme=walk-theme",
        "/organisations/?region=wales",
        "/organisations/?classification=charity",
        "/organisations/?consortium=walk-circle",
        "/organisations/?consortium=zanzibar-velvet",
        "/outputs/?consortium=zanzibar-velvet",
        "/outputs/?contributor=xylophage-lantern",
        "/outputs/?contributor=xylophage",
        "/outputs/?theme=walk-theme",
    ]
    for day in ON:
        starts += [
            f"/organisations/?consortium=walk-circle&on={day}",
            f"/organisations/open-harbour/?on={day}",
            f"/organisations/open-meadow/?on={day}",
            f"/consortia/walk-circle/?on={day}",
        ]
    return starts


LINK = re.compile(r'href="(/(?:organisations|consortia|outputs)/[^"#]*|/)"')


def web_walk(client) -> dict[str, str]:
    """Every page reachable from the starts by the site's own links (filters and pages included)."""
    bodies, queue = {}, web_starts()
    while queue and len(bodies) < 400:
        url = unescape(queue.pop(0))
        if url in bodies:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        # The lists' "Download as CSV" links are walked too; they stream.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[url] = body.decode()
        queue += [link for link in LINK.findall(bodies[url]) if unescape(link) not in bodies]
    return bodies


def api_walk(client) -> dict[str, str]:
    """Every API list as JSON and CSV, searches and date filters, and every record they link to."""
    starts = []
    for resource in API_LISTS:
        starts += [f"/api/v1/{resource}/?page_size=200", f"/api/v1/{resource}/?format=csv"]
    for word in SEARCH_WORDS:
        starts += [f"/api/v1/{kind}/?search={word}" for kind in ("organisations", "consortia", "outputs")]
        starts += [f"/api/v1/organisations/?search={word}&format=csv"]
    for day in ON:
        starts += [
            f"/api/v1/organisations/?consortium=walk-circle&as_of={day}",
            f"/api/v1/organisations/?role=lead&as_of={day}",
            f"/api/v1/memberships/?as_of={day}&format=csv",
            f"/api/v1/relationships/?as_of={day}",
            f"/api/v1/organisations/open-harbour/?as_of={day}",
            f"/api/v1/consortia/walk-circle/?as_of={day}",
        ]
    starts += ["/api/v1/relationships/?organisation=open-harbour", "/api/v1/outputs/?contributor=open-harbour"]
    bodies, queue = {}, starts
    while queue and len(bodies) < 400:
        url = queue.pop(0)
        if url in bodies:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[url] = body.decode()
        if response["Content-Type"].startswith("application/json"):
            queue += [link.replace("http://testserver", "") for link in api_links(response.json())]
    return bodies


def api_links(data):
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("api_url", "next") and isinstance(value, str):
                yield value
            else:
                yield from api_links(value)
    elif isinstance(data, list):
        for item in data:
            yield from api_links(item)


def shown(bodies: dict[str, str], forms: tuple[str, ...]) -> list[tuple[str, str]]:
    """(form, URL) wherever a telltale is shown, in any of its forms."""
    return [(form, url) for form in forms for url, text in bodies.items() if form in text]


def test_no_visitor_channel_shows_a_hidden_record(walk, client):
    web, api = web_walk(client), api_walk(client)

    assert len(web) > 30 and len(api) > 60  # the walk reached the details, not only the starts
    assert "/organisations/open-harbour/" in web and "/outputs/open-shared/" in web
    assert "/api/v1/outputs/open-shared/" in api and "/api/v1/organisations/open-meadow/" in api
    leaks = [leak for forms in walk["telltales"] for leak in shown({**web, **api}, forms)]
    assert leaks == []


def test_hidden_records_own_pages_answer_404_to_visitors_and_200_to_members(walk, client, member):
    for url in walk["hidden_pages"] + walk["hidden_api"]:
        assert client.get(url).status_code == 404, url
    client.force_login(member)
    for url in walk["hidden_pages"] + walk["hidden_api"]:
        assert client.get(url).status_code == 200, url


def test_a_logged_in_member_meets_every_hidden_record_on_the_same_walk(walk, client, member):
    client.force_login(member)
    web, api = web_walk(client), api_walk(client)

    missing = [forms[0] for forms in walk["telltales"] if not shown({**web, **api}, forms)]
    assert missing == []
    # Through the same channels a visitor uses: search finds the hidden organisation by a former name.
    assert "Xylophage Lantern Trust" in web["/organisations/?q=quillon"]
    assert "Xylophage Lantern Trust" in api["/api/v1/organisations/?search=quillon"]


COUNT = r'id="facet-{key}-{slug}"[^>]*>\s*<label[^>]*>[^<]*<span class="count">(\d+)<'


def facet_counts(page: str) -> tuple[int, ...]:
    """The counts beside Walk Theme, Wales, Charity and Open Walk Circle."""
    counts = []
    for key, slug in [
        ("theme", "walk-theme"),
        ("region", "wales"),
        ("classification", "charity"),
        ("consortium", "walk-circle"),
    ]:
        match = re.search(COUNT.format(key=key, slug=slug), page)
        assert match, f"no {key} facet for {slug}"
        counts.append(int(match.group(1)))
    return tuple(counts)


@pytest.mark.parametrize(
    ("url", "visible"),
    [
        ("/", 2),
        ("/organisations/", 2),
        ("/organisations/?theme=walk-theme", 2),
        ("/organisations/?q=trust", 1),  # Open Meadow Trust; Xylophage Lantern Trust is hidden
    ],
)
def test_facet_counts_and_totals_leave_out_hidden_organisations(walk, client, member, url, visible):
    page = client.get(url).content.decode()
    assert facet_counts(page) == (visible,) * 4
    assert "facet-consortium-zanzibar-velvet" not in page
    if url == "/":
        assert f"All organisations: {visible}" in page

    client.force_login(member)
    page = client.get(url).content.decode()
    assert facet_counts(page) == (visible + 1,) * 4
    assert "facet-consortium-zanzibar-velvet" in page


def test_consortium_member_counts_leave_out_hidden_members(walk, client, member):
    def circle_count():
        page = client.get("/consortia/").content.decode()
        card = page.split("Open Walk Circle", 1)[1].split("</li>", 1)[0]
        return int(re.search(r"(\d+) current members?\b", card).group(1))

    assert circle_count() == 2
    client.force_login(member)
    assert circle_count() == 3
