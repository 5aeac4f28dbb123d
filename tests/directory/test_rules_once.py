"""Each rule of the model layer, written once, and the callers that must give the same answer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consortia.models import ConsortiumName, Membership
from consortia.models.consortia import sits_inside_itself
from consortia.models.memberships import lead_organisations, membership_clashes
from csvio.synthetic import search_names_for
from directory.models import Organisation, OrganisationName
from directory.names import compose_search_names
from tests.factories import (
    ConsortiumFactory,
    ConsortiumNameFactory,
    IdentifierFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
)

D = datetime.date


# How an organisation's search names are composed


def test_search_names_fold_every_name_and_give_each_identifier_twice():
    text = compose_search_names(
        "Cymdeithas Gofal Cymunedol",
        "CGC",
        [("welsh", "Cymdeithas Gofal"), ("former", "Société Ancienne")],
        [("GB-CHC", "1234567")],
    )
    assert text == "cymdeithas gofal cymunedol | cgc | societe ancienne | cymdeithas gofal | 1234567 | gb-chc-1234567"


def test_search_names_do_not_depend_on_the_order_the_parts_were_read_in():
    names = [("former", "Beta"), ("acronym", "ZZ"), ("former", "alpha")]
    identifiers = [("GB-COH", "01234567"), ("GB-CHC", "1234567")]
    assert compose_search_names("N", "", names, identifiers) == compose_search_names(
        "N", "", list(reversed(names)), list(reversed(identifiers))
    )


def test_search_names_leave_out_blank_parts():
    assert compose_search_names("Nacro", "", [], []) == "nacro"


@pytest.mark.django_db
def test_the_model_and_the_synthetic_generator_compose_the_same_search_names():
    organisation = OrganisationFactory(name="Ünïon of Carers", short_name="UoC")
    OrganisationNameFactory(organisation=organisation, name="Carers' Union", kind="former")
    OrganisationNameFactory(organisation=organisation, name="UC", kind="acronym")
    IdentifierFactory(organisation=organisation, scheme="GB-COH", value="01234567")
    IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1234567")
    organisation.refresh_from_db()
    row = {
        "name": "Ünïon of Carers",
        "short_name": "UoC",
        "former_names": ["Carers' Union"],
        "acronyms": ["UC"],
        "identifiers": ["GB-CHC-1234567", "GB-COH-01234567"],
    }
    assert organisation.search_names == organisation.build_search_names() == search_names_for(row)


# A consortium inside itself


def test_a_consortium_cannot_be_its_own_parent_or_sit_inside_its_own_descendant():
    parents = {"programme": None, "alliance": "programme", "consortium": "alliance"}
    assert sits_inside_itself("programme", "programme", parents.get)
    assert sits_inside_itself("programme", "consortium", parents.get)
    assert not sits_inside_itself("consortium", "programme", parents.get)


def test_a_new_consortium_has_no_members_to_sit_inside():
    assert not sits_inside_itself(None, "anything", {"anything": "anything"}.get)


def test_a_loop_higher_up_ends_the_walk():
    parents = {"a": "b", "b": "a"}  # a loop the database should never hold, not through "c"
    assert not sits_inside_itself("c", "a", parents.get)


@pytest.mark.django_db
def test_consortium_clean_refuses_a_parent_below_it():
    top = ConsortiumFactory()
    middle = ConsortiumFactory(parent=top)
    bottom = ConsortiumFactory(parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert error.value.message_dict["parent"] == ["A consortium cannot sit inside itself or one of its own members."]
    bottom.parent = top  # moving the bottom one under the top is fine
    bottom.full_clean()


# Overlapping memberships


def test_membership_clashes_compare_only_the_same_organisation_consortium_and_role():
    rows = [
        (1, 10, "member", D(2020, 1, 1), D(2020, 12, 31), "a"),
        (1, 10, "lead", D(2020, 6, 1), None, "other role"),
        (2, 10, "member", D(2020, 6, 1), None, "other organisation"),
        (1, 11, "member", D(2020, 6, 1), None, "other consortium"),
        (1, 10, "member", D(2020, 12, 31), None, "b"),  # shares 31 December: dates are inclusive
    ]
    assert membership_clashes(rows) == [("b", "a")]


def test_membership_clashes_allow_a_new_period_the_day_after_the_last_ended():
    rows = [
        (1, 10, "member", D(2020, 1, 1), D(2020, 12, 31), "a"),
        (1, 10, "member", D(2021, 1, 1), None, "b"),
    ]
    assert membership_clashes(rows) == []


def test_membership_clashes_treat_missing_dates_as_open():
    rows = [
        (1, 10, "member", None, D(2019, 1, 1), "since ever"),
        (1, 10, "member", D(2021, 1, 1), None, "from 2021"),
        (1, 10, "member", D(2018, 1, 1), D(2018, 2, 1), "early 2018"),
    ]
    assert membership_clashes(rows) == [("early 2018", "since ever")]


@pytest.mark.django_db
def test_admin_formset_refuses_two_overlapping_rows_for_an_organisation_not_yet_saved(coordinator_client):
    consortium = ConsortiumFactory()
    data = {
        "name": "Brand New",
        "slug": "brand-new",
        "short_name": "",
        "classification": "charity",
        "description": "",
        "is_public": "on",
        "website": "",
        "email": "",
        "phone": "",
        "member_count": "",
        "founded_on": "",
        "dissolved_on": "",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "0",
    }
    for prefix in ["other_names", "identifiers", "contacts"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    for index, (start, end) in enumerate([("2020-01-01", "2020-12-31"), ("2020-12-31", "")]):
        data.update(
            {
                f"memberships-{index}-consortium": str(consortium.pk),
                f"memberships-{index}-role": "partner",
                f"memberships-{index}-start_date": start,
                f"memberships-{index}-end_date": end,
            }
        )
    response = coordinator_client.post("/admin/directory/organisation/add/", data)
    assert response.status_code == 200
    assert "already holds this role in this consortium" in response.content.decode()
    assert not Organisation.objects.filter(slug="brand-new").exists()

    data["memberships-1-start_date"] = "2021-01-01"  # the day after the first ends: accepted
    response = coordinator_client.post("/admin/directory/organisation/add/", data)
    assert response.status_code == 302
    assert Membership.objects.filter(organisation__slug="brand-new").count() == 2


# End before start


@pytest.mark.django_db
def test_an_organisation_dissolved_the_day_it_was_founded_is_allowed_but_not_before():
    organisation = OrganisationFactory.build(founded_on=D(2000, 1, 1), dissolved_on=D(2000, 1, 1))
    organisation.full_clean()
    organisation.dissolved_on = D(1999, 12, 31)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert error.value.message_dict["dissolved_on"] == ["The date dissolved cannot be before the date founded."]


# Who leads a consortium


@pytest.mark.django_db
def test_lead_organisations_agree_with_the_leads_query():
    today = timezone.localdate()
    consortium = ConsortiumFactory()
    current_lead = MembershipFactory(consortium=consortium, role="lead", start_date=today - datetime.timedelta(days=1))
    MembershipFactory(consortium=consortium, role="lead", start_date=today + datetime.timedelta(days=1))  # future
    MembershipFactory(consortium=consortium, role="lead", end_date=today - datetime.timedelta(days=1))  # ended
    MembershipFactory(consortium=consortium, role="partner")
    MembershipFactory(consortium=consortium, organisation=current_lead.organisation, role="partner")
    memberships = list(consortium.memberships.select_related("organisation"))
    from_query = [m.organisation for m in Membership.objects.leads().filter(consortium=consortium)]
    assert lead_organisations(memberships) == from_query == consortium.leads == [current_lead.organisation]
    last_year = today - datetime.timedelta(days=365)
    assert lead_organisations(memberships, last_year) == [
        m.organisation for m in Membership.objects.leads(last_year).filter(consortium=consortium)
    ]


# Other names share one shape


@pytest.mark.django_db
def test_other_names_read_alike_and_are_found_by_natural_key():
    name = OrganisationNameFactory(organisation=OrganisationFactory(name="Clinks"), name="Clinks Old", kind="former")
    consortium_name = ConsortiumNameFactory(consortium=ConsortiumFactory(name="HWA"), name="SPP", kind="acronym")
    assert str(name) == "Clinks Old (former name of Clinks)"
    assert str(consortium_name) == "SPP (acronym of HWA)"
    assert OrganisationName.objects.get_by_natural_key(*name.natural_key()) == name
    assert ConsortiumName.objects.get_by_natural_key(*consortium_name.natural_key()) == consortium_name


@pytest.mark.django_db
def test_other_names_are_public_only_with_their_owner():
    shown = OrganisationNameFactory(organisation=OrganisationFactory(is_public=True))
    OrganisationNameFactory(organisation=OrganisationFactory(is_public=False))
    shown_consortium = ConsortiumNameFactory(consortium=ConsortiumFactory(is_public=True))
    ConsortiumNameFactory(consortium=ConsortiumFactory(is_public=False))
    assert list(OrganisationName.objects.public()) == [shown]
    assert list(ConsortiumName.objects.public()) == [shown_consortium]
    assert ConsortiumName.objects.visible_to(None).count() == 1


def test_a_consortium_name_is_former_unless_said_otherwise():
    assert ConsortiumName().kind == "former"
    assert OrganisationName().kind == ""
