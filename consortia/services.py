"""Writes that touch more than one row, or that mean something: consortia, outputs, memberships.

The same contract as `directory.services` (docs/architecture.md, "Writes"):
keyword arguments only, every `full_clean()` before any write, one
transaction, the user in each row's history, a `ValidationError` keyed by
field (nested lists by their name) when refused.

Memberships are history. One that ends is closed (`membership_close` sets
its end date); deleting one is only for a record entered in error, and the
history keeps the deletion. A consortium with memberships cannot be deleted
(PROTECT): end it instead.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from directory.models import Organisation
from directory.services import ChildRows, save_record

from .models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor, Role

CONSORTIUM_NAMES = ChildRows(
    name="other_names",
    model=ConsortiumName,
    owner_field="consortium",
    key=("name", "kind"),
    describe=lambda row: f"“{row.name}” ({row.get_kind_display().lower()})",
    listed_twice="The same name of the same kind is listed twice.",
)

CONTRIBUTORS = ChildRows(
    name="contributors",
    model=OutputContributor,
    owner_field="output",
    key=("organisation_id",),
    describe=lambda row: row.organisation.name if row.organisation_id else "A contributor",
    listed_twice="This organisation is listed as a contributor twice.",
)


def consortium_create(
    *, user, other_names: list[dict] | None = None, themes: Iterable | None = None, **fields
) -> Consortium:
    """A new consortium with its other names (each a dict of the row's fields)."""
    return save_record(
        Consortium(),
        user=user,
        fields=fields,
        many_to_many={"themes": themes},
        children=[(CONSORTIUM_NAMES, other_names)],
    )


def consortium_update(
    *, consortium: Consortium, user, other_names: list[dict] | None = None, themes: Iterable | None = None, **fields
) -> Consortium:
    """Change a consortium; lists given replace its other names or themes.

    A new parent is checked by `Consortium.clean` (`sits_inside_itself`).
    """
    return save_record(
        consortium,
        user=user,
        fields=fields,
        many_to_many={"themes": themes},
        children=[(CONSORTIUM_NAMES, other_names)],
    )


def output_create(
    *, user, contributors: list[dict] | None = None, themes: Iterable | None = None, **fields
) -> JointOutput:
    """A new joint output with its contributors (each a dict: organisation, role, order)."""
    return save_record(
        JointOutput(),
        user=user,
        fields=fields,
        many_to_many={"themes": themes},
        children=[(CONTRIBUTORS, contributors)],
    )


def output_update(
    *, output: JointOutput, user, contributors: list[dict] | None = None, themes: Iterable | None = None, **fields
) -> JointOutput:
    """Change a joint output; lists given replace its contributors or themes."""
    return save_record(
        output,
        user=user,
        fields=fields,
        many_to_many={"themes": themes},
        children=[(CONTRIBUTORS, contributors)],
    )


def membership_create(
    *,
    user,
    organisation: Organisation,
    consortium: Consortium,
    role: str = Role.MEMBER,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    note: str = "",
) -> Membership:
    """An organisation joins a consortium in a role; refused if it overlaps the same role there."""
    fields = {
        "organisation": organisation,
        "consortium": consortium,
        "role": role,
        "start_date": start_date,
        "end_date": end_date,
        "note": note,
    }
    return save_record(Membership(), user=user, fields=fields)


def membership_update(*, membership: Membership, user, **fields) -> Membership:
    """Correct a membership (its role, dates or note), under the same rules as a new one."""
    return save_record(membership, user=user, fields=fields)


def membership_close(*, membership: Membership, user, end_date: datetime.date | None = None) -> Membership:
    """A membership ends: its last day is `end_date` (default today). It is never deleted for ending."""
    return save_record(membership, user=user, fields={"end_date": end_date or timezone.localdate()})
