"""Rules the database itself holds, on SQLite and PostgreSQL alike, and the validation in front of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from consortia.models import Membership
from directory.models import Organisation, OrganisationIdentifier
from tests.factories import (
    ConsortiumFactory,
    IdentifierFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2020, 1, 1)
DEC_31 = datetime.date(2020, 12, 31)


def refused_by_database(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_database_refuses_membership_ending_before_it_starts():
    membership = MembershipFactory(start_date=DEC_31)
    membership.end_date = JAN_1
    refused_by_database(membership.save)


def test_database_refuses_other_name_ending_before_it_starts():
    refused_by_database(lambda: OrganisationNameFactory(start_date=DEC_31, end_date=JAN_1))


def test_database_refuses_relationship_ending_before_it_starts():
    refused_by_database(lambda: RelationshipFactory(start_date=DEC_31, end_date=JAN_1))


def test_database_refuses_dissolution_before_founding():
    refused_by_database(lambda: OrganisationFactory(founded_on=DEC_31, dissolved_on=JAN_1))


def test_database_refuses_duplicate_identifier_in_a_scheme():
    IdentifierFactory(scheme="GB-CHC", value="1234567")
    refused_by_database(lambda: IdentifierFactory(scheme="GB-CHC", value="1234567"))


def test_same_number_in_another_scheme_is_allowed():
    IdentifierFactory(scheme="GB-CHC", value="123456")
    IdentifierFactory(scheme="GB-NIC", value="123456")
    assert OrganisationIdentifier.objects.filter(value="123456").count() == 2


def test_database_refuses_duplicate_slug():
    OrganisationFactory(slug="nacro")
    refused_by_database(lambda: OrganisationFactory(slug="nacro"))


def test_database_refuses_relationship_to_itself():
    organisation = OrganisationFactory()
    refused_by_database(lambda: RelationshipFactory(subject=organisation, object=organisation))


def test_validation_explains_end_before_start():
    membership = MembershipFactory.build(
        organisation=OrganisationFactory(), consortium=ConsortiumFactory(), start_date=DEC_31, end_date=JAN_1
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "The end date cannot be before the start date." in error.value.message_dict["end_date"]


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("GB-CHC", "12345"),  # too short
        ("GB-CHC", "12345678"),  # too long
        ("GB-CHC", "SC012345"),  # a Scottish number in the English register
        ("GB-SC", "012345"),  # missing SC
        ("GB-NIC", "1000"),
        ("GB-COH", "ABC12345"),
    ],
)
def test_validation_refuses_badly_formed_identifier(scheme, value):
    identifier = OrganisationIdentifier(organisation=OrganisationFactory(), scheme=scheme, value=value)
    with pytest.raises(ValidationError) as error:
        identifier.full_clean()
    assert "is not a valid" in error.value.message_dict["value"][0]


@pytest.mark.parametrize(
    ("scheme", "typed", "stored", "org_id"),
    [
        ("GB-CHC", " 1234567 ", "1234567", "GB-CHC-1234567"),
        ("GB-SC", "sc 012345", "SC012345", "GB-SC-SC012345"),
        ("GB-NIC", "NIC100002", "100002", "GB-NIC-100002"),
        ("GB-COH", "1234567", "01234567", "GB-COH-01234567"),
    ],
)
def test_identifier_is_tidied_and_gets_its_org_id(scheme, typed, stored, org_id):
    identifier = OrganisationIdentifier(organisation=OrganisationFactory(), scheme=scheme, value=typed)
    identifier.full_clean()
    identifier.save()
    assert identifier.value == stored
    assert identifier.org_id == org_id


def test_validation_refuses_overlapping_duplicate_membership():
    existing = MembershipFactory(role="partner", start_date=JAN_1, end_date=DEC_31)
    clash = Membership(
        organisation=existing.organisation,
        consortium=existing.consortium,
        role="partner",
        start_date=datetime.date(2020, 6, 1),
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "already holds this role in this consortium" in str(error.value)


def test_membership_after_the_previous_one_ended_is_allowed():
    existing = MembershipFactory(role="partner", start_date=JAN_1, end_date=DEC_31)
    rejoined = Membership(
        organisation=existing.organisation,
        consortium=existing.consortium,
        role="partner",
        start_date=datetime.date(2021, 1, 1),
    )
    rejoined.full_clean()


def test_different_role_in_the_same_period_is_allowed():
    existing = MembershipFactory(role="partner")
    lead = Membership(organisation=existing.organisation, consortium=existing.consortium, role="lead")
    lead.full_clean()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_postgresql_refuses_overlapping_membership_even_without_validation():
    existing = MembershipFactory(role="partner", start_date=JAN_1, end_date=DEC_31)
    refused_by_database(
        lambda: Membership.objects.create(
            organisation=existing.organisation,
            consortium=existing.consortium,
            role="partner",
            start_date=datetime.date(2020, 6, 1),
        )
    )


def test_organisation_str_shows_acronym():
    assert str(Organisation(name="Association of Mental Health Providers", short_name="AMHP")) == (
        "Association of Mental Health Providers (AMHP)"
    )
