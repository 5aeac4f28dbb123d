"""The importer checks a whole file with the model layer's batch rules: overlaps, a consortium inside itself, dates.

Each rule has one home on the model layer (docs/architecture.md); these tests
check that a file is held to it, and that checking many rows at once stays
fast where the old row-against-row loops were quadratic (issue 13, item 2).
"""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from consortia.models import Consortium, Membership
from consortia.models.memberships import membership_clashes
from csvio.engine import Row
from csvio.services import csv_import
from csvio.stages.match import rows_refused_for_clashes
from tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(1950, 1, 1)


def day(n: int) -> str:
    return (FIRST_DAY + datetime.timedelta(days=n)).isoformat()


def one_group_file(count: int, extra: str = "") -> bytes:
    """`count` one-day memberships of one organisation, consortium and role, every other day: none overlap."""
    lines = ["organisation,consortium,role,start_date,end_date"]
    lines += [f"busy-org,busy-network,member,{day(2 * i)},{day(2 * i)}" for i in range(count)]
    return ("\n".join(lines) + "\n" + extra).encode()


@pytest.fixture
def busy_group(settings):
    OrganisationFactory(slug="busy-org")
    ConsortiumFactory(slug="busy-network")


# -- memberships: one overlap rule, over the whole file --------------------------------------------------------


def test_twenty_thousand_memberships_in_one_group_without_overlap_are_accepted(busy_group):
    """Quadratic before (20 s at this size, issue 13 item 2); sorted by start now, so this takes a moment."""
    report = csv_import("memberships", one_group_file(20_000), dry_run=True)
    assert report.ok, report.as_text()
    assert (report.total, report.new, report.invalid) == (20_000, 20_000, 0)


def test_one_overlapping_row_among_twenty_thousand_is_refused_naming_that_row(busy_group):
    # Row 5003 holds the period starting on day 10,002; this last row (20002) covers days 10,001–10,002.
    bad = f"busy-org,busy-network,member,{day(10_001)},{day(10_002)}\n"
    report = csv_import("memberships", one_group_file(20_000, bad), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(20_002, "start_date")], report.as_text()[:2000]
    assert "already holds this role" in report.errors[0].message
    assert report.errors[0].message.endswith("It overlaps row 5003.")
    assert not Membership.objects.exists()


def test_a_row_overlapping_a_recorded_membership_names_it_and_a_replaced_one_does_not_count(busy_group):
    MembershipFactory(
        organisation=OrganisationFactory(slug="other-org"),
        consortium=Consortium.objects.get(slug="busy-network"),
        role="member",
        start_date="2020-01-01",
        end_date="2020-12-31",
    )
    text = (
        "organisation,consortium,role,start_date,end_date\n"
        "other-org,busy-network,member,2020-06-01,2021-05-31\n"
        "other-org,busy-network,partner,2020-06-01,2021-05-31\n"  # another role: no clash
    )
    report = csv_import("memberships", text.encode(), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "start_date")]
    assert report.errors[0].message.endswith("It overlaps the recorded membership from 2020-01-01 to 2020-12-31.")
    # The same recorded membership, closed earlier by the file: the row replaces it, so nothing clashes. The
    # change is written before the new row, or PostgreSQL's exclusion constraint would refuse the new row.
    replaced = (
        "organisation,consortium,role,start_date,end_date\n"
        "other-org,busy-network,member,2020-01-01,2020-05-31\n"
        "other-org,busy-network,member,2020-06-01,2021-05-31\n"
    )
    report = csv_import("memberships", replaced.encode())
    assert report.written, report.as_text()
    assert Membership.objects.filter(organisation__slug="other-org").count() == 2


def test_a_group_spread_over_many_batches_is_read_once_and_still_checked_whole(busy_group, monkeypatch):
    """Matching goes a batch at a time; an organisation's recorded memberships are read once, not once a batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("csvio.stages.match.MATCH_BATCH", 2)
    assert csv_import("memberships", one_group_file(6)).written
    with CaptureQueriesContext(connection) as queries:
        again = csv_import("memberships", one_group_file(6), dry_run=True)
    assert (again.unchanged, again.invalid) == (6, 0), again.as_text()
    table = Membership._meta.db_table
    column = f'"{table}"."organisation_id"'
    by_organisation = [
        q["sql"]
        for q in queries
        if f'FROM "{table}"' in q["sql"] and (f"{column} IN" in q["sql"] or f"{column} = ANY" in q["sql"])
    ]
    assert len(by_organisation) == 1, by_organisation  # three batches of two rows
    # The last batch's row clashes with the first batch's recorded period, which the file leaves as it is.
    clash = one_group_file(5, f"busy-org,busy-network,member,{day(-1)},{day(0)}\n").replace(
        f"{day(0)},{day(0)}\n".encode(), f"{day(-10)},{day(-10)}\n".encode(), 1
    )
    report = csv_import("memberships", clash, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(7, "start_date")], report.as_text()
    assert report.errors[0].message.endswith(f"It overlaps the recorded membership from {day(0)} to {day(0)}.")


def test_the_batch_check_refuses_the_later_row_of_a_clash_and_never_a_recorded_one():
    first, second, third = Row(2), Row(3), Row(4)
    recorded = ("recorded", 1)
    also_recorded = ("recorded", 2)
    group = (1, 1, "member")
    other_group = (1, 1, "lead")
    periods = [
        # row 3 starts first, row 2 inside it: row 3 comes later in the file, so it is the one refused.
        (*group, datetime.date(2020, 1, 1), datetime.date(2020, 12, 31), second),
        (*group, datetime.date(2020, 3, 1), datetime.date(2020, 3, 31), first),
        # row 4 clashes with a recorded period only; two recorded periods clashing are not the file's doing.
        (*other_group, datetime.date(2010, 1, 1), None, third),
        (*other_group, datetime.date(2000, 1, 1), datetime.date(2010, 6, 30), recorded),
        (*group, datetime.date(1990, 1, 1), datetime.date(1990, 1, 1), also_recorded),
        (*group, datetime.date(1990, 1, 1), datetime.date(1990, 12, 31), ("recorded", 3)),
    ]
    refused = rows_refused_for_clashes(membership_clashes(periods))
    assert [(row.number, named) for row, named in refused] == [(3, first), (4, recorded)]


def test_the_batch_check_names_every_row_of_a_three_way_clash():
    """Each clashing row is refused or named in another row's message, so one correction round finds them all."""
    rows = [Row(number) for number in (2, 3, 4)]
    periods = [
        ("o", "c", "member", datetime.date(2020, 1, 1), datetime.date(2020, 1, 31), rows[0]),
        ("o", "c", "member", datetime.date(2020, 1, 15), datetime.date(2020, 6, 30), rows[1]),
        ("o", "c", "member", datetime.date(2019, 1, 1), datetime.date(2030, 1, 1), rows[2]),
    ]
    refused = rows_refused_for_clashes(membership_clashes(periods))
    # Row 4 spans both others: it is refused naming the first it meets, and row 3 is refused naming it.
    assert [(row.number, named.number) for row, named in refused] == [(3, 4), (4, 2)]


# -- consortia: the model layer's parent rule over the file plus the database ----------------------------------


def test_a_long_chain_of_parents_in_one_file_is_accepted():
    count = 3_000
    lines = ["slug,name,parent"] + [f"level-{i},Level {i},{f'level-{i - 1}' if i else ''}" for i in range(count)]
    report = csv_import("consortia", ("\n".join(lines) + "\n").encode())
    assert report.written, report.as_text()[:2000]
    assert Consortium.objects.get(slug=f"level-{count - 1}").parent.slug == f"level-{count - 2}"


def test_a_loop_of_parents_within_the_file_refuses_every_row_on_it():
    text = "slug,name,parent\nloop-a,Loop A,loop-c\nloop-b,Loop B,loop-a\nloop-c,Loop C,loop-b\nfree,Free,loop-a\n"
    report = csv_import("consortia", text.encode())
    assert [(e.row, e.column) for e in report.errors] == [(2, "parent"), (3, "parent"), (4, "parent")]
    assert all("cannot sit inside itself or one of its own members" in e.message for e in report.errors)
    assert not Consortium.objects.filter(slug__startswith="loop").exists()


def test_a_file_cannot_put_a_recorded_consortium_inside_its_own_member():
    alliance = ConsortiumFactory(slug="alliance")
    ConsortiumFactory(slug="programme", parent=alliance)
    report = csv_import("consortia", b"slug,name,parent\nalliance,Alliance,programme\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "parent")]
    alliance.refresh_from_db()
    assert alliance.parent is None


# -- dates: one reader, one end-before-start rule ---------------------------------------------------------------


def test_the_report_command_reads_iso_dates_only_and_names_the_option():
    with pytest.raises(CommandError, match="--as-of: “01/04/2020” is not a date"):
        call_command("report_csv", "members-by-role", "--as-of", "01/04/2020")
    with pytest.raises(CommandError, match="The --to date is before the --from date"):
        call_command("report_csv", "outputs-per-organisation", "--from", "2024-03-01", "--to", "2024-02-01")
