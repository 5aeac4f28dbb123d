"""The bad-file corpus: each file breaks one rule, gets a clear message, and leaves the database exactly as it was."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from csvio.services import csv_import

BAD_FILES = Path(__file__).parent / "bad_files"

# file, kind, row (None: the whole file is refused), column, words the message must contain, settings
CASES = [
    ("wrong_encoding.csv", "organisations", None, "", "neither UTF-8 nor Windows-1252", {}),
    ("excel_workbook.csv", "organisations", None, "", "This is an Excel workbook, not a CSV file", {}),
    ("binary_data.csv", "organisations", None, "", "contains binary data", {}),
    ("empty_file.csv", "organisations", None, "", "The file is empty.", {}),
    ("blank_lines_only.csv", "organisations", None, "", "The file is empty.", {}),
    ("header_only.csv", "organisations", None, "", "column headings but no rows", {}),
    ("header_and_blank_rows.csv", "organisations", None, "", "column headings but no rows", {}),
    ("missing_required_column.csv", "contacts", None, "", "Required column missing: organisation.", {}),
    ("missing_two_required_columns.csv", "memberships", None, "", "Required columns missing: consortium, role.", {}),
    ("unknown_column.csv", "organisations", None, "", "Unknown column: “colour”", {}),
    ("duplicate_column.csv", "organisations", None, "", "The column “Name” appears twice", {}),
    ("too_many_cells.csv", "organisations", 2, "", "This row has 3 cells but there are only 2 column headings", {}),
    ("invalid_date.csv", "memberships", 2, "start_date", "“2024-02-30” is not a real date.", {}),
    ("not_a_date.csv", "memberships", 2, "start_date", "write it as YYYY-MM-DD", {}),
    ("end_before_start.csv", "memberships", 2, "end_date", "The end date 2024-03-31 is before the start date", {}),
    ("dissolved_before_founded.csv", "organisations", 2, "dissolved_on", "is before the date founded", {}),
    ("bad_identifier.csv", "organisations", 2, "identifiers", "not a valid Charity Commission for England", {}),
    ("unknown_identifier_scheme.csv", "organisations", 2, "identifiers", "not an identifier we recognise", {}),
    (
        "unknown_organisation_slug.csv",
        "memberships",
        2,
        "organisation",
        "No organisation has the slug or identifier “no-such-organisation”",
        {},
    ),
    (
        "unknown_consortium_slug.csv",
        "memberships",
        2,
        "consortium",
        "No consortium has the slug “no-such-consortium”",
        {},
    ),
    ("unknown_theme.csv", "organisations", 2, "themes", "Unknown themes: basket-weaving", {}),
    ("unknown_role.csv", "memberships", 2, "role", "“boss” is not one of the allowed values: lead, partner", {}),
    ("blank_role.csv", "memberships", 2, "role", "This cannot be blank", {}),
    ("duplicate_row.csv", "memberships", 3, "", "same membership as row 2", {}),
    (
        "overlaps_recorded_membership.csv",
        "memberships",
        2,
        "start_date",
        "already holds this role in this consortium for part of this period",
        {},
    ),
    ("overlap_within_file.csv", "memberships", 3, "start_date", "It overlaps row 2", {}),
    ("formula_equals.csv", "organisations", 2, "name", "starts with “=” and a spreadsheet would run it", {}),
    ("formula_plus.csv", "organisations", 2, "name", "starts with “+” and a spreadsheet would run it", {}),
    ("formula_minus.csv", "organisations", 2, "name", "starts with “-” and a spreadsheet would run it", {}),
    ("formula_at.csv", "organisations", 2, "name", "starts with “@” and a spreadsheet would run it", {}),
    ("formula_tab.csv", "organisations", 2, "description", "starts with “=” and a spreadsheet would run it", {}),
    (
        "formula_carriage_return.csv",
        "organisations",
        2,
        "description",
        "starts with “=” and a spreadsheet would run it",
        {},
    ),
    ("invalid_email.csv", "contacts", 2, "email", "“jane.example.org” is not a valid email address", {}),
    ("invalid_phone.csv", "contacts", 2, "phone", "“020 7946 000” is not a valid telephone number", {}),
    ("invalid_website.csv", "organisations", 2, "website", "is not a valid web address", {}),
    ("invalid_slug.csv", "organisations", 2, "slug", "is not a valid slug", {}),
    ("blank_name.csv", "organisations", 2, "name", "This cannot be blank", {}),
    ("name_too_long.csv", "organisations", 2, "name", "256 characters long; the most allowed is 255", {}),
    ("not_yes_or_no.csv", "contacts", 2, "is_public", "“perhaps” is not yes or no", {}),
    ("related_to_itself.csv", "relationships", 2, "object", "cannot be related to itself", {}),
    ("unknown_press_contact.csv", "outputs", 2, "press_contact", "nacro has no contact called “Nobody Known”", {}),
    ("consortium_inside_itself.csv", "consortia", 2, "parent", "cannot sit inside itself", {}),
    (
        "likely_duplicate_name.csv",
        "organisations",
        2,
        "name",
        "Likely duplicate of “Race Equality Foundation” (race-equality-foundation)",
        {},
    ),
    ("one_bad_row_among_good.csv", "organisations", 4, "founded_on", "“1st of May” is not a date", {}),
    ("oversized.csv", "organisations", None, "", "The file is larger than 1,000 bytes", {"CSV_IMPORT_MAX_BYTES": 1000}),
    ("too_many_rows.csv", "organisations", None, "", "more than 2 rows", {"CSV_IMPORT_MAX_ROWS": 2}),
]


def snapshot() -> dict:
    """Every row of every directory and consortia table, history and link tables included."""
    state = {}
    for label in ("directory", "consortia"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            state[model._meta.label] = sorted(map(repr, model._default_manager.order_by().values_list()))
    return state


def test_every_file_in_the_corpus_has_a_case():
    assert sorted(path.name for path in BAD_FILES.glob("*.csv")) == sorted(case[0] for case in CASES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "kind", "row", "column", "message", "overrides"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_is_refused_with_a_clear_message_and_nothing_changes(
    seed, settings, filename, kind, row, column, message, overrides
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    before = snapshot()
    report = csv_import(kind, BAD_FILES / filename, filename=filename)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors if message in e.message] == [(row, column)], report.as_text()
    assert snapshot() == before


@pytest.mark.django_db
def test_the_command_prints_every_problem_and_exits_non_zero(seed, capsys):
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_csv", "memberships", str(BAD_FILES / "overlap_within_file.csv"))
    err = capsys.readouterr().err
    assert "Row 3, column “start_date”" in err
    assert "It overlaps row 2" in err
