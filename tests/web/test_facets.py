"""Facet filters and their counts on the organisation search page."""

import pytest

from consortia.models import Consortium
from tests.factories import (
    ConsortiumFactory,
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    region,
)

from .conftest import result_names

pytestmark = pytest.mark.django_db


def counts(response, facet: str) -> dict[str, int]:
    return {value.name: value.count for value in response.context["facets"][facet]}


def test_facet_counts_cover_every_organisation_before_any_filter(seed, search):
    response = search()

    assert counts(response, "theme") == {"Criminal justice": 2, "Mental health": 2, "Race equality": 1}
    assert counts(response, "region")["Wales"] == 2
    assert counts(response, "classification") == {"Charity": 1, "Membership body": 1, "Representative body": 1}
    assert counts(response, "consortium") == {"Mental Health Consortia": 4}
    assert 'Mental health <span class="count">2' in response.content.decode()


def test_filtering_by_consortium_shows_its_current_partners(seed, search):
    response = search(consortium="mental-health-consortia")

    assert result_names(response) == [
        "Association of Mental Health Providers",
        "Clinks",
        "Mental Health Foundation",
        "Nacro",
    ]
    assert "Consortium: Mental Health Consortia" in response.content.decode()


def test_a_consortium_filter_ignores_members_who_have_left(seed, search):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    MembershipFactory(
        consortium=consortium,
        organisation=OrganisationFactory(name="Left Early"),
        start_date="2015-01-01",
        end_date="2016-01-01",
    )

    assert "Left Early" not in result_names(search(consortium="mental-health-consortia"))


def test_themes_and_area_narrow_together_and_counts_follow(seed, search):
    justice = ThemeFactory(slug="criminal-justice")
    wales_charity = OrganisationFactory(name="Welsh Justice Project", themes=[justice], regions=[region("wales")])
    OrganisationFactory(name="Scottish Justice Project", themes=[justice], regions=[region("scotland")])

    response = search(theme="criminal-justice", region="wales")

    assert result_names(response) == ["Clinks", wales_charity.name]
    assert counts(response, "theme") == {"Criminal justice": 2}
    assert counts(response, "region")["Wales"] == 2
    assert "Scotland" not in counts(response, "region")


def test_classification_counts_ignore_the_chosen_classification_so_it_can_be_switched(seed, search):
    response = search(theme="criminal-justice", classification="charity")

    assert result_names(response) == ["Nacro"]
    assert counts(response, "classification") == {"Charity": 1, "Membership body": 1}


def test_search_and_facets_combine(seed, search):
    response = search("foundation", theme="race-equality")

    assert result_names(response) == ["Race Equality Foundation"]
    assert counts(response, "theme") == {"Race equality": 1}


def test_unknown_filter_values_are_reported_and_left_out(seed, search):
    response = search(theme="no-such-theme", classification="spaceship")

    assert response.status_code == 200
    assert len(result_names(response)) == 5
    page = response.content.decode()
    assert "There is no theme “no-such-theme”, so that filter was left out." in page
    assert "There is no kind of organisation “spaceship”" in page


def test_hidden_consortia_are_not_offered_to_visitors(seed, search, client, member):
    secret = ConsortiumFactory(name="Closed Circle", is_public=False)
    MembershipFactory(consortium=secret, organisation=OrganisationFactory(name="Inner Member"))

    assert "Closed Circle" not in counts(search(), "consortium")
    assert "There is no consortium" in search(consortium=secret.slug).content.decode()
    client.force_login(member)
    assert counts(search(), "consortium")["Closed Circle"] == 1


def test_whole_query_lives_in_the_url(seed, search):
    response = search("mental", theme="mental-health")

    page = response.content.decode()
    # the "remove this filter" link keeps the words and drops only the theme
    assert 'href="?q=mental"' in page
    assert 'name="theme" value="mental-health" checked' in page


def test_results_are_paginated_and_keep_the_query(db, search):
    for number in range(25):
        OrganisationFactory(name=f"Advice Centre {number:02d}")

    first = search("advice centre")
    second = search("advice centre", page="2")

    assert first.context["page"].paginator.count == 25
    assert len(result_names(first)) == 20
    assert len(result_names(second)) == 5
    assert "q=advice+centre&amp;page=2" in first.content.decode()
    assert search("advice centre", page="lots").status_code == 200


def test_search_page_reads_a_constant_number_of_queries(seed, search, django_assert_num_queries):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    justice = ThemeFactory(slug="criminal-justice")
    for number in range(15):
        organisation = OrganisationFactory(
            name=f"Justice Partner {number}", themes=[justice], regions=[region("wales")]
        )
        MembershipFactory(consortium=consortium, organisation=organisation, role="partner")

    # themes, regions, the look-up of corrections for misspelt words, the total with every facet's
    # counts (one statement), page, 3 prefetches, consortia matching the words
    with_words = 9
    with django_assert_num_queries(with_words):
        small = search("nacro")
    with django_assert_num_queries(with_words):
        large = search("justice partner")
    # no words: no consortium search, but the chosen consortium is looked up
    with django_assert_num_queries(8):
        search(consortium="mental-health-consortia")

    assert len(result_names(small)) == 1
    assert len(result_names(large)) == 15


def test_cached_counts_follow_a_change_to_the_directory(seed, search):
    assert counts(search(), "theme")["Race equality"] == 1

    OrganisationFactory(name="Equal Voices", themes=[ThemeFactory(slug="race-equality")])

    response = search()
    assert counts(response, "theme")["Race equality"] == 2
    assert "All organisations: 6" in response.content.decode()


def test_asking_again_reuses_the_counts(seed, search, django_assert_num_queries):
    search(theme="mental-health")

    # themes, regions, page, 3 prefetches: the total and the facet counts come from the cache
    with django_assert_num_queries(6):
        response = search(theme="mental-health")
    assert counts(response, "theme")["Mental health"] == 2


@pytest.fixture
def partnership_over_time(db):
    """Members of one consortium in three periods: left in 2016, in force in 2019 (ended 2020), joined in 2021."""
    consortium = ConsortiumFactory(name="Harbour Partnership", slug="harbour-partnership")
    for name, start, end in (
        ("Early Trust", "2014-01-01", "2016-12-31"),
        ("Middle Trust", "2018-01-01", "2020-12-31"),
        ("Late Trust", "2021-01-01", None),
    ):
        MembershipFactory(
            consortium=consortium, organisation=OrganisationFactory(name=name), start_date=start, end_date=end
        )
    return consortium


def test_consortium_filter_lists_the_members_in_force_on_the_date_asked_about(partnership_over_time, search):
    on_date = search(consortium="harbour-partnership", on="2019-06-01")
    today = search(consortium="harbour-partnership")

    assert result_names(on_date) == ["Middle Trust"]
    assert counts(on_date, "consortium") == {"Harbour Partnership": 1}
    assert "Consortium: Harbour Partnership (members on 1 June 2019)" in on_date.content.decode()
    assert result_names(today) == ["Late Trust"]


def test_consortium_counts_follow_the_date_without_a_consortium_filter(partnership_over_time, search):
    OrganisationFactory(name="Not A Member")

    assert counts(search(on="2015-06-01"), "consortium") == {"Harbour Partnership": 1}
    assert counts(search("trust", on="2015-06-01"), "consortium") == {"Harbour Partnership": 1}
    assert counts(search(on="2023-06-01"), "consortium") == {"Harbour Partnership": 1}
    assert counts(search(on="2017-06-01"), "consortium") == {}


def test_the_date_is_kept_by_every_link_of_the_page(partnership_over_time, search):
    page = search("trust", consortium="harbour-partnership", on="2019-06-01").content.decode()

    assert 'href="?q=trust&amp;on=2019-06-01"' in page  # "remove this filter" keeps the date
    assert '<input type="hidden" name="on" value="2019-06-01">' in page
    assert "Consortium (members on 1 June 2019)" in page


@pytest.mark.parametrize("bad", ["01/06/2019", "2019-02-30", "soon"])
def test_a_malformed_date_is_reported_by_name_and_today_is_used(partnership_over_time, search, bad):
    response = search(consortium="harbour-partnership", on=bad)

    assert response.status_code == 200
    assert result_names(response) == ["Late Trust"]
    notices = response.context["params"].notices
    assert len(notices) == 1 and notices[0].startswith("The date “on” was left out:")
    assert bad in notices[0]
