"""The admin's "in force on" and "member on date" filters: the same date reader as the API and the pages."""

import datetime

import pytest
from django.urls import reverse

from consortia.admin import current_membership_count
from consortia.models import Consortium
from tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

MEMBERSHIPS = reverse("admin:consortia_membership_changelist")
ORGANISATIONS = reverse("admin:directory_organisation_changelist")
RELATIONSHIPS = reverse("admin:directory_organisationrelationship_changelist")


@pytest.fixture
def dated(db):
    circle = ConsortiumFactory(slug="circle", name="Circle")
    old = MembershipFactory(
        organisation=OrganisationFactory(name="Old Member"),
        consortium=circle,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    )
    new = MembershipFactory(
        organisation=OrganisationFactory(name="New Member"), consortium=circle, start_date=datetime.date(2019, 1, 1)
    )
    elsewhere = MembershipFactory(organisation=OrganisationFactory(name="Elsewhere Member"))
    return {"circle": circle, "old": old, "new": new, "elsewhere": elsewhere}


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}


def test_memberships_in_force_on_a_date_both_ends_inclusive(dated, member_client):
    def on(day):
        return {row.split(" — ")[0] for row in listed(member_client.get(MEMBERSHIPS, {"on": day}))}

    assert on("2018-12-31") == {"Old Member", "Elsewhere Member"}
    assert on("2019-01-01") == {"New Member", "Elsewhere Member"}
    assert len(listed(member_client.get(MEMBERSHIPS))) == 3


def test_organisations_that_were_members_on_a_date_of_one_consortium(dated, member_client):
    names = listed(member_client.get(ORGANISATIONS, {"on": "2015-06-01", "current_member_of": "circle"}))
    assert names == {"Old Member"}
    assert listed(member_client.get(ORGANISATIONS, {"current_member_of": "circle"})) == {"New Member"}
    assert listed(member_client.get(ORGANISATIONS, {"on": "2015-06-01"})) == {"Old Member", "Elsewhere Member"}


def test_relationships_in_force_on_a_date(db, member_client):
    ended = RelationshipFactory(end_date=datetime.date(2010, 1, 1))
    RelationshipFactory(start_date=datetime.date(2011, 1, 1))

    assert listed(member_client.get(RELATIONSHIPS, {"on": "2010-01-01"})) == {str(ended)}


@pytest.mark.parametrize("value", ["01/04/2020", "2020-02-30", "soon"])
def test_a_malformed_date_is_named_in_a_message_and_the_list_is_not_filtered(dated, member_client, value):
    response = member_client.get(MEMBERSHIPS, {"on": value})

    assert len(listed(response)) == 3
    notices = [str(message) for message in response.context["messages"]]
    assert len(notices) == 1
    assert notices[0].startswith("In force on (on): ") and f"“{value}”" in notices[0]
    # The date box keeps what was typed, so it can be corrected.
    assert f'value="{value}"' in response.content.decode()


def test_the_date_box_keeps_the_other_filters(dated, member_client):
    page = member_client.get(MEMBERSHIPS, {"role": "member", "on": "2019-01-01"}).content.decode()

    assert '<input type="hidden" name="role" value="member">' in page
    assert 'name="on" value="2019-01-01"' in page


def test_current_member_counts_use_the_one_rule(dated):
    MembershipFactory(consortium=dated["circle"], start_date=datetime.date(2999, 1, 1))  # not started yet

    counts = dict(
        Consortium.objects.annotate(n=current_membership_count("memberships__organisation")).values_list("slug", "n")
    )
    assert counts["circle"] == 1
