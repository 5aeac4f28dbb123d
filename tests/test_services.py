"""Writes through services: every rule checked before anything is written, history with the user."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consortia.models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor
from consortia.services import (
    consortium_create,
    consortium_update,
    membership_close,
    membership_create,
    membership_update,
    output_create,
    output_update,
)
from directory.models import Organisation, OrganisationIdentifier, OrganisationName
from directory.services import organisation_create, organisation_update
from tests.factories import (
    ConsortiumFactory,
    IdentifierFactory,
    JointOutputFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def history_rows():
    """Every history row of the kinds the services write, as (model, history_type, user)."""
    models = [Organisation, OrganisationName, OrganisationIdentifier, Consortium, ConsortiumName, Membership]
    models += [JointOutput, OutputContributor]
    return sorted(
        (model.__name__, row.history_type, row.history_user_id) for model in models for row in model.history.all()
    )


def refused(service, **arguments) -> dict:
    """Call a service that must refuse; prove it wrote nothing, history included, and return its errors."""
    before = history_rows()
    with pytest.raises(ValidationError) as error:
        service(**arguments)
    assert history_rows() == before
    return error.value.message_dict


# Organisations


def test_organisation_create_writes_names_and_identifiers_with_the_user_in_history(coordinator):
    theme = ThemeFactory()
    organisation = organisation_create(
        user=coordinator,
        name="Example Carers",
        slug="example-carers",
        themes=[theme],
        other_names=[{"name": "Carers Together", "kind": "former", "end_date": D(2010, 3, 31)}],
        identifiers=[{"scheme": "GB-SC", "value": "sc 012345"}],
    )
    organisation.refresh_from_db()
    assert list(organisation.themes.all()) == [theme]
    assert [(n.name, n.end_date) for n in organisation.other_names.all()] == [("Carers Together", D(2010, 3, 31))]
    assert [i.org_id for i in organisation.identifiers.all()] == ["GB-SC-SC012345"]  # tidied by the model
    assert "carers together" in organisation.search_names
    users = {row[2] for row in history_rows()}
    assert users == {coordinator.pk}
    assert organisation.history.latest().history_user == coordinator


def test_organisation_create_refuses_a_bad_identifier_and_writes_nothing(coordinator):
    errors = refused(
        organisation_create,
        user=coordinator,
        name="Example Carers",
        slug="example-carers",
        other_names=[{"name": "Carers Together", "kind": "former"}],
        identifiers=[{"scheme": "GB-SC", "value": "12"}],
    )
    assert errors == {
        "identifiers": [
            "GB-SC-12: “12” is not a valid Scottish Charity Regulator (OSCR) number: expected something like SC012345."
        ]
    }
    assert not Organisation.objects.filter(slug="example-carers").exists()


def test_organisation_errors_name_every_field_and_row_at_once(coordinator):
    errors = refused(
        organisation_create,
        user=coordinator,
        name="",
        slug="x",
        founded_on=D(2000, 1, 1),
        dissolved_on=D(1999, 1, 1),
        other_names=[
            {"name": "Old", "kind": "former", "start_date": D(2001, 1, 1), "end_date": D(2000, 1, 1)},
            {"name": "Twice", "kind": "acronym"},
            {"name": "Twice", "kind": "acronym"},
        ],
    )
    assert set(errors) == {"name", "dissolved_on", "other_names"}
    assert errors["other_names"] == [
        "“Old” (former name): The end date cannot be before the start date.",
        "“Twice” (acronym): The same name of the same kind is listed twice.",
    ]


def test_organisation_update_keeps_unchanged_rows_changes_in_place_and_deletes_the_rest(coordinator):
    organisation = OrganisationFactory()
    kept = IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1074546")
    dropped = IdentifierFactory(organisation=organisation, scheme="GB-COH", value="03562176")
    renamed = OrganisationNameFactory(organisation=organisation, name="Old Name", kind="former")
    organisation_update(
        organisation=organisation,
        user=coordinator,
        member_count=12,
        identifiers=[{"scheme": "GB-CHC", "value": "1074546"}],
        other_names=[{"name": "Old Name", "kind": "former", "end_date": D(2019, 12, 31), "note": "Renamed"}],
    )
    assert list(organisation.identifiers.all()) == [kept]
    assert list(organisation.other_names.all()) == [renamed]
    renamed.refresh_from_db()
    assert (renamed.end_date, renamed.note) == (D(2019, 12, 31), "Renamed")
    assert renamed.history.latest().history_type == "~"
    assert renamed.history.latest().history_user == coordinator
    deletion = OrganisationIdentifier.history.filter(id=dropped.pk).latest()
    assert (deletion.history_type, deletion.history_user) == ("-", coordinator)
    assert kept.history.count() == 1  # untouched
    organisation.refresh_from_db()
    assert organisation.member_count == 12
    assert "03562176" not in organisation.search_names


def test_organisation_update_leaves_lists_alone_unless_given(coordinator):
    organisation = OrganisationFactory()
    name = OrganisationNameFactory(organisation=organisation)
    organisation_update(organisation=organisation, user=coordinator, description="New words.")
    assert list(organisation.other_names.all()) == [name]


def test_organisation_update_refuses_another_organisations_identifier_and_keeps_the_record(coordinator):
    IdentifierFactory(scheme="GB-CHC", value="1074546")
    organisation = OrganisationFactory(member_count=5)
    errors = refused(
        organisation_update,
        organisation=organisation,
        user=coordinator,
        member_count=6,
        identifiers=[{"scheme": "GB-CHC", "value": "1074546"}],
    )
    assert errors == {"identifiers": ["Another organisation already has GB-CHC-1074546 in this register."]}
    organisation.refresh_from_db()
    assert organisation.member_count == 5


def test_a_service_refuses_a_field_the_model_does_not_have(coordinator):
    with pytest.raises(TypeError, match="no editable field colour"):
        organisation_create(user=coordinator, name="X", slug="x", colour="blue")


# Consortia


def test_consortium_create_and_update_with_other_names(coordinator):
    consortium = consortium_create(
        user=coordinator, name="New Alliance", slug="new-alliance", other_names=[{"name": "Old Programme"}]
    )
    assert [(n.name, n.kind) for n in consortium.other_names.all()] == [("Old Programme", "former")]
    consortium_update(consortium=consortium, user=coordinator, other_names=[])
    assert not consortium.other_names.exists()
    assert ConsortiumName.history.filter(history_type="-").get().history_user == coordinator
    assert consortium.history.latest().history_user == coordinator


def test_consortium_update_refuses_a_parent_inside_it_and_writes_nothing(coordinator):
    top = ConsortiumFactory()
    child = ConsortiumFactory(parent=top)
    errors = refused(consortium_update, consortium=top, user=coordinator, parent=child, name="Renamed")
    assert errors == {"parent": ["A consortium cannot sit inside itself or one of its own members."]}
    top.refresh_from_db()
    assert (top.parent, top.name) == (None, top.name)
    assert Consortium.objects.get(pk=top.pk).parent_id is None


# Joint outputs


def test_output_contributors_are_written_replaced_and_refused_when_listed_twice(coordinator):
    nacro, clinks = OrganisationFactory(), OrganisationFactory()
    output = output_create(
        user=coordinator,
        title="Joint statement",
        slug="joint-statement",
        contributors=[{"organisation": nacro, "role": "lead"}, {"organisation": clinks}],
    )
    assert {(c.organisation, c.role) for c in output.contributors.all()} == {(nacro, "lead"), (clinks, "co-author")}
    output_update(output=output, user=coordinator, contributors=[{"organisation": clinks, "role": "endorser"}])
    assert [(c.organisation, c.role) for c in output.contributors.all()] == [(clinks, "endorser")]
    errors = refused(
        output_update,
        output=output,
        user=coordinator,
        contributors=[{"organisation": nacro}, {"organisation": nacro}],
    )
    assert errors == {"contributors": [f"{nacro.name}: This organisation is listed as a contributor twice."]}


def test_output_create_refuses_a_blank_title(coordinator):
    errors = refused(output_create, user=coordinator, title="", slug="untitled")
    assert "title" in errors
    assert not JointOutput.objects.filter(slug="untitled").exists()


def test_output_update_records_the_user(coordinator):
    output = JointOutputFactory()
    output_update(output=output, user=coordinator, summary="Shorter.")
    assert output.history.latest().history_user == coordinator


# Memberships


def test_membership_create_refuses_an_overlap_and_writes_nothing(coordinator):
    existing = MembershipFactory(role="partner", start_date=D(2020, 1, 1))
    errors = refused(
        membership_create,
        user=coordinator,
        organisation=existing.organisation,
        consortium=existing.consortium,
        role="partner",
        start_date=D(2021, 1, 1),
    )
    assert errors["__all__"][0].startswith("This organisation already holds this role in this consortium")
    assert Membership.objects.count() == 1


def test_membership_create_records_the_user(coordinator):
    membership = membership_create(
        user=coordinator, organisation=OrganisationFactory(), consortium=ConsortiumFactory(), role="observer"
    )
    assert membership.history.get().history_user == coordinator


def test_closing_a_membership_sets_its_end_date_and_keeps_it(coordinator):
    membership = MembershipFactory(start_date=D(2020, 1, 1))
    membership_close(membership=membership, user=coordinator, end_date=D(2024, 3, 31))
    membership.refresh_from_db()
    assert membership.end_date == D(2024, 3, 31)
    assert not membership.is_current
    latest = membership.history.latest()
    assert (latest.history_type, latest.history_user, latest.end_date) == ("~", coordinator, D(2024, 3, 31))


def test_closing_a_membership_today_by_default(coordinator):
    membership = MembershipFactory()
    membership_close(membership=membership, user=coordinator)
    assert Membership.objects.get(pk=membership.pk).end_date == timezone.localdate()


def test_closing_a_membership_before_it_started_is_refused(coordinator):
    membership = MembershipFactory(start_date=D(2020, 1, 1))
    errors = refused(membership_close, membership=membership, user=coordinator, end_date=D(2019, 12, 31))
    assert errors == {"end_date": ["The end date cannot be before the start date."]}
    assert Membership.objects.get(pk=membership.pk).end_date is None


def test_membership_update_changes_a_role_under_the_same_rules(coordinator):
    lead = MembershipFactory(role="lead")
    partner = MembershipFactory(organisation=lead.organisation, consortium=lead.consortium, role="partner")
    errors = refused(membership_update, membership=partner, user=coordinator, role="lead")
    assert "already holds this role" in errors["__all__"][0]
    membership_update(membership=partner, user=coordinator, role="observer", note="Stepped back")
    assert Membership.objects.get(pk=partner.pk).role == "observer"
