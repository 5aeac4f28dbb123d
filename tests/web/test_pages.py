"""Every page of the web directory, as a visitor and as a logged-in member."""

import datetime

import pytest
from django.utils import timezone

from consortia.models import Consortium, JointOutput
from directory.models import Organisation
from tests.factories import (
    ConsortiumFactory,
    ConsortiumNameFactory,
    ContactFactory,
    ContributorFactory,
    IdentifierFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    RelationshipFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

AMHP = "/organisations/association-of-mental-health-providers/"
BRIEFING = "/outputs/race-mental-health-and-criminal-justice-moving-forward/"


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_home_page_has_search_and_lists_every_public_organisation(seed, client):
    OrganisationFactory(name="Hidden Helpers", is_public=False)

    page = text(client.get("/"))

    assert "Find partners in the voluntary sector" in page
    assert '<label for="search-q"' in page
    assert 'href="#main"' in page  # skip link
    assert "All organisations: 5" in page
    assert "Hidden Helpers" not in page


def test_a_hidden_consortium_is_not_named_to_visitors_by_its_outputs_or_the_consortia_inside_it(db, client, member):
    hidden = ConsortiumFactory(name="Veiled Alliance", slug="veiled", is_public=False)
    inside = ConsortiumFactory(name="Open Inner Circle", slug="open-inner", parent=hidden)
    output = JointOutputFactory(title="Open Paper", consortium=hidden)

    outputs, consortia, child = (
        text(client.get(url)) for url in ("/outputs/", "/consortia/", "/consortia/open-inner/")
    )

    assert "Open Paper" not in outputs and "Veiled Alliance" not in outputs
    assert client.get(output.get_absolute_url()).status_code == 404
    assert "Open Inner Circle" in consortia and "Veiled Alliance" not in consortia
    assert inside.name in child and "Veiled Alliance" not in child
    client.force_login(member)
    assert "Open Paper" in text(client.get("/outputs/"))
    assert "Veiled Alliance" in text(client.get(output.get_absolute_url()))
    assert "part of Veiled Alliance" not in text(client.get("/consortia/"))  # shown inside it instead
    assert "Veiled Alliance" in text(client.get("/consortia/open-inner/"))


def test_members_see_organisations_hidden_from_visitors(seed, member_client):
    hidden = OrganisationFactory(name="Hidden Helpers", is_public=False)

    assert "Hidden Helpers" in text(member_client.get("/organisations/"))
    assert member_client.get(hidden.get_absolute_url()).status_code == 200


def test_hidden_records_are_not_found_by_visitors(db, client):
    organisation = OrganisationFactory(is_public=False)
    consortium = ConsortiumFactory(is_public=False)
    output = JointOutputFactory(is_public=False)

    for record in (organisation, consortium, output):
        response = client.get(record.get_absolute_url())
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_results_show_acronym_themes_areas_and_current_consortia(seed, client):
    page = text(client.get("/organisations/", {"q": "amhp"}))

    assert ">AMHP</abbr>" in page
    assert "Mental health" in page
    assert "North East, North West, Yorkshire and The Humber and 7 more" in page
    # AMHP leads the Mental Health Consortia and is a partner in it: one consortium, both roles (issue 10, item 7).
    assert "Mental Health Consortia</a> (lead, partner)" in page
    assert page.count("Mental Health Consortia</a>") == 1


def test_organisation_page_shows_what_it_is_its_memberships_and_outputs(seed, client):
    page = text(client.get(AMHP))

    assert "Association of Mental Health Providers" in page
    assert "leading representative body for voluntary and community sector mental health organisations" in page
    assert "Representative body" in page
    assert "Wales" in page
    assert "<td>Lead, partner</td>" in page
    assert page.count('<td><a href="/consortia/mental-health-consortia/">') == 1
    assert "Race, mental health and criminal justice: moving forward" in page
    assert "co-author" in page


def test_organisation_page_links_identifiers_to_the_official_register(db, client):
    identifier = IdentifierFactory(scheme="GB-CHC", value="1123456")

    page = text(client.get(identifier.organisation.get_absolute_url()))

    assert "GB-CHC-1123456" in page
    assert f'href="{identifier.register_url}"' in page
    assert identifier.register_url.startswith("https://")


def test_organisation_page_separates_current_and_past_memberships_with_dates(db, client):
    organisation = OrganisationFactory()
    MembershipFactory(
        organisation=organisation,
        consortium=ConsortiumFactory(name="Now Together"),
        role="partner",
        start_date=datetime.date(2021, 4, 1),
    )
    MembershipFactory(
        organisation=organisation,
        consortium=ConsortiumFactory(name="Once Together"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 3, 31),
    )

    page = text(client.get(organisation.get_absolute_url()))
    current, past = page.split("Past memberships")

    assert "Now Together" in current and "1 April 2021" in current
    assert "Once Together" in past and "until 31 March 2019" in past


def test_a_membership_that_starts_later_is_listed_as_future_not_current(db, client):
    organisation = OrganisationFactory()
    start = timezone.localdate() + datetime.timedelta(days=30)
    MembershipFactory(organisation=organisation, consortium=ConsortiumFactory(name="Soon Together"), start_date=start)
    MembershipFactory(organisation=organisation, consortium=ConsortiumFactory(name="Always Together"))

    response = client.get(organisation.get_absolute_url())
    page = text(response)

    assert [m.consortium.name for m in response.context["current_memberships"]] == ["Always Together"]
    current, future = page.split("Future memberships")
    assert "Soon Together" not in current
    assert "Always Together" in current
    assert "Soon Together" in future and f"from {start:%-d %B %Y}" in future


def test_organisation_page_shows_its_consortia_and_relationships_on_a_chosen_date(db, client):
    organisation = OrganisationFactory(name="Dated Charity")
    MembershipFactory(
        organisation=organisation,
        consortium=ConsortiumFactory(name="Old Circle"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    MembershipFactory(
        organisation=organisation, consortium=ConsortiumFactory(name="New Circle"), start_date=datetime.date(2019, 1, 1)
    )
    RelationshipFactory(
        subject=organisation, object=OrganisationFactory(name="Old Funder"), end_date=datetime.date(2018, 12, 31)
    )
    RelationshipFactory(
        subject=organisation, object=OrganisationFactory(name="New Funder"), start_date=datetime.date(2019, 1, 1)
    )

    then = text(client.get(organisation.get_absolute_url(), {"on": "2018-12-31"})).split("On 31 December 2018")[1]

    assert "Old Circle" in then and "Old Funder" in then
    assert "New Circle" not in then.split("Contacts")[0]
    assert "New Funder" not in then.split("Contacts")[0]


def test_organisation_page_reads_relationships_both_ways(db, client):
    link = RelationshipFactory(
        subject=OrganisationFactory(name="Small Charity"), object=OrganisationFactory(name="Big Body")
    )
    link.type.forward_label, link.type.reverse_label = "is a member of", "has member"
    link.type.save()

    assert "Small Charity is a member of" in text(client.get(link.subject.get_absolute_url()))
    assert "Big Body has member" in text(client.get(link.object.get_absolute_url()))


def test_visitors_never_see_private_contacts_and_members_do(seed, client, member):
    visitor_page = text(client.get(AMHP))
    client.force_login(member)
    member_page = text(client.get(AMHP))

    for page in (visitor_page,):
        assert "Dania Hanif" not in page
        assert "020 7766 7496" not in page
        assert "Kathy Roberts" not in page
        assert "log in</a> to see contact details" in page
    assert "Dania Hanif" in member_page
    assert "020 7766 7496" in member_page
    assert "Kathy Roberts" in member_page
    assert "Chief Executive" in member_page


def test_public_contacts_are_shown_to_visitors(db, client):
    contact = ContactFactory(name="Open Person", is_public=True, phone="+442920000000")

    page = text(client.get(contact.organisation.get_absolute_url()))

    assert "Open Person" in page
    assert "029 2000 0000" in page


def test_consortium_list_shows_alliances_with_the_consortia_inside(seed, client):
    page = text(client.get("/consortia/"))

    assert "Health and Wellbeing Alliance" in page
    assert page.index("Health and Wellbeing Alliance") < page.index("Mental Health Consortia")
    assert "4 current members" in page


def test_consortium_page_shows_parent_lead_members_by_role_and_outputs(seed, client):
    page = text(client.get("/consortia/mental-health-consortia/"))

    assert 'href="/consortia/health-and-wellbeing-alliance/"' in page
    assert "led by <a" in page and "Association of Mental Health Providers</a>" in page
    lead, partners = page.split("Partners")[0], page.split("Partners")[1]
    assert "Lead" in lead
    for name in ("Nacro", "Clinks", "Mental Health Foundation"):
        assert name in partners
    assert "Race, mental health and criminal justice: moving forward" in page


def test_alliance_page_shows_its_former_name_and_children(seed, client):
    ConsortiumNameFactory(
        consortium=Consortium.objects.get(slug="health-and-wellbeing-alliance"),
        name="Old Alliance Name",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2016, 3, 31),
    )

    page = text(client.get("/consortia/health-and-wellbeing-alliance/"))

    assert "Strategic Partnership Programme" in page
    assert 'Old Alliance Name <span class="meta">(former name, from 1 January 2010, until 31 March 2016)' in page
    assert 'href="/consortia/mental-health-consortia/"' in page


def test_consortium_page_shows_members_as_of_a_chosen_date(db, client):
    consortium = ConsortiumFactory(slug="dated")
    MembershipFactory(
        consortium=consortium,
        organisation=OrganisationFactory(name="Former Partner"),
        role="partner",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    MembershipFactory(
        consortium=consortium,
        organisation=OrganisationFactory(name="New Partner"),
        role="partner",
        start_date=datetime.date(2019, 1, 1),
    )

    then = text(client.get("/consortia/dated/", {"on": "2018-12-31"}))
    now = text(client.get("/consortia/dated/"))

    assert "On 31 December 2018" in then
    assert "Former Partner" in then.split("On 31 December 2018")[1]
    assert "New Partner" not in then.split("On 31 December 2018")[1]
    assert "Former Partner" not in now.split('id="members"')[1].split("Past members")[0]


@pytest.mark.parametrize("url", ["/consortia/mental-health-consortia/", AMHP])
@pytest.mark.parametrize("value", ["31/12/2018", "01/04/2020", "2018-02-30", "yesterday"])
def test_a_bad_date_gets_a_clear_message_on_the_date_field_not_an_error(seed, client, url, value):
    response = client.get(url, {"on": value})
    page = text(response)

    # The one ISO 8601 reader (parse_date_parameter), so "01/04/2020" is refused as the API refuses it.
    assert response.context["on"].date is None
    assert f"The date “on” was left out: “{value}” is not" in page
    assert 'name="on"' in page and 'aria-invalid="true"' in page
    assert "Give it as year-month-day, for example 2024-03-31." in page or "is not a real date" in page


def test_output_page_shows_contributors_findings_and_recommendations(seed, client):
    page = text(client.get(BRIEFING))

    for name in ("Nacro", "Clinks", "Association of Mental Health Providers", "Mental Health Foundation"):
        assert name in page
    assert "Race Equality Foundation" in page
    assert "(co-author)" in page
    assert "40% more likely than their white British counterparts" in page
    assert "<li>Criminal justice and mental health workforces need additional, appropriate training.</li>" in page
    assert 'href="/consortia/mental-health-consortia/"' in page


def test_press_contact_is_shown_to_members_only(seed, client, member):
    assert "Dania Hanif" not in text(client.get(BRIEFING))
    assert "log in</a> to see the press contact" in text(client.get(BRIEFING))
    client.force_login(member)
    page = text(client.get(BRIEFING))
    assert "Dania Hanif" in page
    assert "020 7766 7496" in page


@pytest.fixture
def outputs(db):
    justice = ThemeFactory(slug="justice-x", name="Justice X")
    consortium = ConsortiumFactory(slug="c-one", name="Consortium One")
    author = OrganisationFactory(slug="author", name="Author Org")
    report = JointOutputFactory(
        title="Annual Report", kind="report", published_on=datetime.date(2023, 5, 1), consortium=consortium
    )
    report.themes.add(justice)
    ContributorFactory(output=report, organisation=author, role="lead")
    JointOutputFactory(title="Spring Briefing", kind="briefing", published_on=datetime.date(2024, 3, 1))
    JointOutputFactory(title="Secret Paper", is_public=False)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "report"},
        {"consortium": "c-one"},
        {"contributor": "author"},
        {"contributor": "author org"},
        {"theme": "justice-x"},
        {"year": "2023"},
    ],
)
def test_output_list_filters(outputs, client, params):
    page = text(client.get("/outputs/", params))

    assert "Annual Report" in page
    assert "Spring Briefing" not in page
    assert "1 output" in page


def test_output_list_hides_private_outputs_and_reports_a_bad_year(outputs, client):
    page = text(client.get("/outputs/", {"year": "last year"}))

    assert "Annual Report" in page and "Spring Briefing" in page
    assert "Secret Paper" not in page
    assert "“last year” is not a year" in page


def test_output_list_reads_a_constant_number_of_queries(outputs, client, django_assert_num_queries):
    for number in range(5):
        ContributorFactory(output=JointOutputFactory(title=f"Extra {number}"))

    # count, page, themes, contributors, then the lists of consortia, themes and years for the filters
    with django_assert_num_queries(7):
        client.get("/outputs/")


def test_detail_pages_read_a_constant_number_of_queries(seed, client, django_assert_num_queries):
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    for number in range(5):
        ContributorFactory(organisation=amhp, output=JointOutputFactory(title=f"Extra {number}"))
        MembershipFactory(organisation=amhp, consortium=ConsortiumFactory())

    with django_assert_num_queries(9):
        client.get(AMHP)
    # + the parent, read through visible_to (a hidden parent must not be named), + the past members
    with django_assert_num_queries(8):
        client.get("/consortia/mental-health-consortia/")
    with django_assert_num_queries(4):
        client.get(BRIEFING)
    assert JointOutput.objects.count() == 6


def test_member_logs_in_and_out_with_the_styled_pages(seed, client, member):
    login = text(client.get("/accounts/login/"))
    assert "Member log in" in login
    assert 'autocomplete="current-password"' in login

    failed = text(client.post("/accounts/login/", {"username": "memb", "password": "wrong"}))
    assert "There is a problem" in failed

    response = client.post("/accounts/login/", {"username": "memb", "password": "password", "next": AMHP})
    assert response.status_code == 302 and response.url == AMHP
    assert "020 7766 7496" in text(client.get(AMHP))

    client.post("/accounts/logout/")
    assert "020 7766 7496" not in text(client.get(AMHP))


def test_consortium_member_counts_leave_out_organisations_hidden_from_visitors(seed, client, member):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    MembershipFactory(consortium=consortium, organisation=OrganisationFactory(is_public=False), role="partner")

    assert "4 current members" in text(client.get("/consortia/"))
    client.force_login(member)
    assert "5 current members" in text(client.get("/consortia/"))


def contacts_section(response) -> str:
    page = text(response)
    return page.split('<section aria-labelledby="contacts">')[1].split("</section>")[0]


def test_a_member_is_told_plainly_when_no_contact_details_are_recorded(seed, client, member):
    client.force_login(member)

    section = contacts_section(client.get("/organisations/race-equality-foundation/"))

    assert "No contact details recorded." in section
    assert "log in" not in section


def test_a_visitor_is_told_what_is_public_never_that_nothing_exists(seed, client):
    # AMHP has two contacts, neither public; the Race Equality Foundation has none. A visitor cannot tell.
    amhp = contacts_section(client.get(AMHP))
    race = contacts_section(client.get("/organisations/race-equality-foundation/"))

    assert amhp.replace("association-of-mental-health-providers", "race-equality-foundation") == race
    assert "No public contact details recorded." in race
    assert "No contact details recorded." not in race and "No contacts" not in race
    assert "Members can" in race and "to see any contact details that are not public" in race


def test_an_organisations_own_telephone_email_and_website_are_its_contact_details(db, client, member):
    organisation = OrganisationFactory(
        slug="open-door", phone="+442079460000", email="hello@example.org", website="https://example.org/"
    )

    section = contacts_section(client.get(organisation.get_absolute_url()))
    client.force_login(member)
    as_member = contacts_section(client.get(organisation.get_absolute_url()))

    assert 'href="tel:+442079460000">020 7946 0000</a>' in section
    assert 'href="mailto:hello@example.org"' in section
    assert 'href="https://example.org/"' in section
    assert "recorded" not in section and "recorded" not in as_member


def test_an_organisation_with_two_roles_in_a_consortium_is_listed_once_under_its_highest_role(seed, client):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    both = OrganisationFactory(name="Double Duty", slug="double-duty")
    MembershipFactory(organisation=both, consortium=consortium, role="member", start_date=datetime.date(2020, 4, 1))
    MembershipFactory(organisation=both, consortium=consortium, role="secretariat")

    page = text(client.get("/consortia/mental-health-consortia/"))
    members = page.split('id="members"')[1].split('id="as-of"')[0]
    result = text(client.get("/organisations/", {"q": "double duty"}))

    assert members.count(">Association of Mental Health Providers</a>") == 1
    assert members.count(">Double Duty</a>") == 1
    lead, secretariat, partners = (members.split(f"<h3>{role}")[1] for role in ("Lead", "Secretariat", "Partner"))
    assert 'Association of Mental Health Providers</a> <span class="meta">(also partner)</span>' in lead
    assert 'Double Duty</a> <span class="meta">(also member since 1 April 2020)</span>' in secretariat.split("<h3>")[0]
    assert "Association of Mental Health Providers" not in partners
    # lead > secretariat > partner > member > observer (consortia.models.memberships.ROLE_PRECEDENCE)
    assert members.index("<h3>Lead") < members.index("<h3>Secretariat") < members.index("<h3>Partner")
    assert "Mental Health Consortia</a> (secretariat, member)" in result


def test_a_consortium_page_lists_past_members_with_their_dates_folded_away(seed, client):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    former = OrganisationFactory(name="Former Friend")
    MembershipFactory(
        organisation=former,
        consortium=consortium,
        role="partner",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    MembershipFactory(organisation=former, consortium=consortium, role="observer", end_date=datetime.date(2019, 6, 30))
    MembershipFactory(
        organisation=OrganisationFactory(name="Hidden Former", is_public=False),
        consortium=consortium,
        end_date=datetime.date(2019, 1, 1),
    )

    page = text(client.get("/consortia/mental-health-consortia/"))
    past = page.split('<details class="past-members">')[1].split("</details>")[0]

    assert "<summary>Past members" in past
    assert (
        "Former Friend</a>: observer until 30 June 2019; partner from 1 January 2015 until 31 December 2018" in past
        or "Former Friend</a>: partner from 1 January 2015 until 31 December 2018; observer until 30 June 2019" in past
    )
    assert "Hidden Former" not in page
    assert "Former Friend" not in page.split('id="members"')[1].split("<details")[0]


def test_an_output_shows_its_date_and_document_or_says_they_are_not_recorded(seed, client):
    dated = JointOutputFactory(
        title="Dated Paper", published_on=datetime.date(2023, 5, 1), url="https://example.org/paper.pdf"
    )

    undated = text(client.get(BRIEFING))
    page = text(client.get(dated.get_absolute_url()))
    listing = text(client.get("/outputs/"))

    assert "Date not recorded" in undated and "No link recorded" in undated
    assert "<dt>Published</dt><dd>1 May 2023</dd>" in page
    assert 'href="https://example.org/paper.pdf" rel="external">Read the briefing' in page
    assert "Briefing, date not recorded; Mental Health Consortia" in listing
    assert "Briefing, date not recorded</span>" in text(client.get("/consortia/mental-health-consortia/"))
    assert "Briefing, date not recorded; co-author" in text(client.get(AMHP))
    assert "Briefing, 1 May 2023" in listing
