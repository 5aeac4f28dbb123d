"""Memberships: who belongs to which consortium, in what role and when; no two periods of one role overlap."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from consortia.models import Membership, Role
from consortia.models.memberships import OVERLAP_MESSAGE, membership_clashes
from csvio import cells, fastdb
from csvio.cells import display
from csvio.engine import Column, Importer, Row
from csvio.stages.match import rows_refused_for_clashes

from .shared import CONSORTIUM, ORGANISATION

_MISSING = object()


class RecordedPeriod(NamedTuple):
    """A membership already recorded, as an overlap message names it."""

    start: object
    end: object


class MembershipImporter(Importer):
    kind = "memberships"
    model = Membership
    columns = [
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("consortium", cells.reference, required=True, help="Slug of the consortium."),
        Column("role", cells.choice(Role.choices, required=True, label="role"), required=True),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("note", cells.text(255)),
    ]
    field_columns = {n: n for n in ("role", "start_date", "end_date", "note")}
    ref_columns = {"organisation": (ORGANISATION, "organisation_id"), "consortium": (CONSORTIUM, "consortium_id")}
    required_values = ("organisation", "consortium")
    key = ("organisation_id", "consortium_id", "role", "start_date")
    record_label = staticmethod(
        lambda row: (
            f"{row.values.get('organisation', '')} as {row.values.get('role', '')} of "
            f"{row.values.get('consortium', '')} from {display(row.values.get('start_date')) or 'an unknown date'}"
        )
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Every recorded period of the organisations in the file, as (organisation, consortium, role) →
        # {start: (end, id)}: only what matching and the overlap check need, not whole records.
        self.recorded_periods: dict[tuple, dict] = defaultdict(dict)
        self.read_organisations: set[int] = set()

    def match_existing(self, rows):
        """Each organisation's recorded periods are read once, whatever the number of batches its rows fill.

        The engine's matching reads every record of the key's first part (the
        organisation) for each batch: for a file of 200,000 rows of one
        organisation that is the same 200,000 records twenty times over. Here the
        periods are read once, light (ids and dates), and whole records only for
        the rows that match one.
        """
        wanted = sorted({row.refs["organisation_id"] for row in rows} - self.read_organisations)
        fields = ("organisation_id", "consortium_id", "role", "start_date", "end_date", "id")
        for queryset in fastdb.where_in(Membership.objects.order_by(), "organisation_id", wanted):
            for organisation, consortium, role, start, end, pk in queryset.values_list(*fields):
                self.recorded_periods[(organisation, consortium, role)][start] = (end, pk)
        self.read_organisations.update(wanted)
        targets = {}
        for row in rows:
            organisation, consortium, role, start = self.key_of(row)
            recorded = self.recorded_periods.get((organisation, consortium, role), {}).get(start, _MISSING)
            if recorded is not _MISSING:
                targets[row.number] = recorded[1]
        records = {}
        for queryset in fastdb.where_in(self.existing_queryset(), "id", sorted(targets.values())):
            for record in self.existing_values(queryset, self.tracked_attnames()):
                self.normalise_existing(record)
                records[record["id"]] = record
        for row in rows:
            if row.number in targets:
                row.existing = records[targets[row.number]]
                row.pk = row.existing["id"]
        self.load_related([row for row in rows if row.existing is not None])

    def check_against_database(self, rows):
        """No two periods of the same organisation, consortium and role may share a day.

        The file's rows plus the recorded periods they do not replace, in the
        groups the file touches, go to the model layer's batch check
        ``membership_clashes`` (each group sorted by start, O(n log n)), never a
        copy of the rule (docs/architecture.md).
        """
        periods = []
        touched = set()
        for row in rows:
            if not row.errors:
                organisation, consortium, role, start = self.key_of(row)
                touched.add((organisation, consortium, role))
                if "end_date" in row.values:
                    end = row.values["end_date"]
                else:  # a blank end date keeps the recorded one (docs/csv.md, “Blank cells”)
                    end = self.recorded_periods.get((organisation, consortium, role), {}).get(start, (None,))[0]
                periods.append((organisation, consortium, role, start, end, row))
        matched = {row.pk for row in rows if row.pk}
        for group in touched:
            recorded = self.recorded_periods.get(group, {})
            periods += [
                (*group, start, end, RecordedPeriod(start, end))
                for start, (end, pk) in recorded.items()
                if pk not in matched
            ]
        for row, other in rows_refused_for_clashes(membership_clashes(periods)):
            where = (
                f"row {other.number}"
                if isinstance(other, Row)
                else f"the recorded membership from {display(other.start) or 'an unknown date'}"
                f" to {display(other.end) or 'now'}"
            )
            self.error(row, "start_date", f"{OVERLAP_MESSAGE} It overlaps {where}.")
