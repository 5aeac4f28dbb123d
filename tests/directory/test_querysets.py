"""current() and as_of() at the boundaries, and finding records by any name."""

import datetime

import pytest
from django.utils import timezone

from consortia.models import Consortium, Membership
from directory.models import Organisation, OrganisationName, OrganisationRelationship
from search.documents import search_organisations
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2019, 6, 1)
END = datetime.date(2021, 3, 31)


@pytest.fixture
def membership():
    return MembershipFactory(start_date=START, end_date=END)


def test_membership_counts_on_the_day_it_starts(membership):
    assert membership in Membership.objects.as_of(START)


def test_membership_does_not_count_the_day_before_it_starts(membership):
    assert membership not in Membership.objects.as_of(START - datetime.timedelta(days=1))


def test_membership_counts_on_the_day_it_ends(membership):
    assert membership in Membership.objects.as_of(END)


def test_membership_does_not_count_the_day_after_it_ends(membership):
    assert membership not in Membership.objects.as_of(END + datetime.timedelta(days=1))


def test_open_ended_membership_counts_on_any_later_date():
    open_ended = MembershipFactory(start_date=START)
    assert open_ended in Membership.objects.as_of(datetime.date(2100, 1, 1))
    assert open_ended in Membership.objects.current()


def test_membership_without_dates_is_always_current():
    undated = MembershipFactory()
    assert undated in Membership.objects.as_of(datetime.date(1990, 1, 1))
    assert undated in Membership.objects.current()


def test_closed_membership_is_not_current():
    today = timezone.localdate()
    closed = MembershipFactory(start_date=today - datetime.timedelta(days=30), end_date=today - datetime.timedelta(1))
    assert closed not in Membership.objects.current()
    assert closed in Membership.objects.ended()


def test_membership_ending_today_is_still_current():
    ending = MembershipFactory(end_date=timezone.localdate())
    assert ending in Membership.objects.current()


def test_future_membership_is_not_yet_current():
    future = MembershipFactory(start_date=timezone.localdate() + datetime.timedelta(days=1))
    assert future not in Membership.objects.current()


def test_relationships_and_names_answer_as_of_too():
    relationship = RelationshipFactory(start_date=START, end_date=END)
    former = OrganisationNameFactory(start_date=START, end_date=END)
    assert relationship in OrganisationRelationship.objects.as_of(END)
    assert relationship not in OrganisationRelationship.objects.current()
    assert former in OrganisationName.objects.as_of(START)
    assert former not in OrganisationName.objects.current()


def test_former_name_finds_the_alliance(seed):
    assert list(Consortium.objects.named("Strategic Partnership Programme")) == [
        Consortium.objects.get(slug="health-and-wellbeing-alliance")
    ]
    assert list(Consortium.objects.search("strategic partnership")) == [
        Consortium.objects.get(slug="health-and-wellbeing-alliance")
    ]


def test_former_name_of_an_organisation_finds_it():
    organisation = OrganisationFactory(name="Clinks")
    OrganisationNameFactory(organisation=organisation, name="Clinks Old Name Trust", kind="former")
    assert list(Organisation.objects.named("clinks old name trust")) == [organisation]
    assert list(search_organisations(Organisation.objects.all(), "old name trust")) == [organisation]


def test_acronym_and_identifier_find_the_organisation(seed):
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    assert list(Organisation.objects.named("amhp")) == [amhp]
    amhp.identifiers.create(scheme="GB-CHC", value="1234567")
    assert list(search_organisations(Organisation.objects.all(), "GB-CHC-1234567")) == [amhp]


def test_search_ignores_accents_and_case():
    organisation = OrganisationFactory(name="Café Cymru")
    assert list(search_organisations(Organisation.objects.all(), "CAFE cymru")) == [organisation]


def test_removing_a_former_name_stops_it_finding_the_record():
    other = OrganisationNameFactory(name="Forgotten Trust")
    assert search_organisations(Organisation.objects.all(), "forgotten").exists()
    other.delete()
    assert not search_organisations(Organisation.objects.all(), "forgotten").exists()


def test_public_contact_of_a_hidden_organisation_is_not_shown_to_visitors():
    from django.contrib.auth.models import AnonymousUser

    from directory.models import Contact
    from tests.factories import ContactFactory

    hidden = ContactFactory(is_public=True, organisation=OrganisationFactory(is_public=False))
    shown = ContactFactory(is_public=True)
    private = ContactFactory(is_public=False)
    assert list(Contact.objects.visible_to(AnonymousUser())) == [shown]
    assert set(Contact.objects.visible_to(UserFactory())) == {hidden, shown, private}
