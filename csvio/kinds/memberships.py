"""Memberships: who belongs to which consortium, in what role and when; no two periods of one role overlap."""

from __future__ import annotations

from collections import defaultdict

from consortia.models import Membership, Role
from consortia.models.memberships import OVERLAP_MESSAGE
from csvio import cells
from csvio.cells import display
from csvio.engine import Column, Importer

from .shared import CONSORTIUM, ORGANISATION


class MembershipImporter(Importer):
    kind = "memberships"
    model = Membership
    columns = [
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("consortium", cells.reference, required=True, help="Slug of the consortium."),
        Column("role", cells.choice(Role.choices, required=True), required=True),
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
        # [(start, end, id)]: only what the overlap check needs, not whole records.
        self.recorded_periods: dict[tuple, list[tuple]] = defaultdict(list)

    def remember_existing(self, found):
        for record in found.values():
            self.recorded_periods[(record["organisation_id"], record["consortium_id"], record["role"])].append(
                (record["start_date"], record["end_date"], record["id"])
            )

    def check_against_database(self, rows):
        """No two periods of the same organisation, consortium and role may share a day."""
        groups: dict[tuple, list] = defaultdict(list)
        matched = {row.pk for row in rows if row.pk}
        for key, periods in self.recorded_periods.items():
            for start, end, pk in periods:
                if pk not in matched:
                    groups[key].append((start, end, None))
        for row in rows:
            if not row.errors:
                key = self.key_of(row)[:3]
                groups[key].append((row.values.get("start_date"), row.values.get("end_date"), row))
        for periods in groups.values():
            if len(periods) < 2:
                continue
            for i, (start, end, row) in enumerate(periods):
                if row is None:
                    continue
                for j, (other_start, other_end, other_row) in enumerate(periods):
                    if i == j or (other_row is not None and j > i):
                        continue
                    if (start is None or other_end is None or start <= other_end) and (
                        end is None or other_start is None or other_start <= end
                    ):
                        where = (
                            f"row {other_row.number}"
                            if other_row is not None
                            else f"the recorded membership from {display(other_start) or 'an unknown date'}"
                            f" to {display(other_end) or 'now'}"
                        )
                        self.error(row, "start_date", f"{OVERLAP_MESSAGE} It overlaps {where}.")
                        break
