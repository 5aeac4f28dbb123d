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
    # A UTF-8 file (“café-trust”) with one byte that is not: refused where the byte is, not read as Windows-1252.
    ("wrong_encoding.csv", "organisations", 3, "name", "This cell has a byte (0x81) that is not UTF-8", {}),
    ("neither_utf8_nor_windows_1252.csv", "organisations", None, "", "neither UTF-8 nor Windows-1252", {}),
    ("utf8_with_byte_order_mark_and_bad_byte.csv", "organisations", 3, "name", "a byte (0xE9) that is not UTF-8", {}),
    ("utf16_mark_but_not_utf16.csv", "organisations", None, "", "byte-order mark of UTF-16 text, but byte", {}),
    ("excel_workbook.csv", "organisations", None, "", "This is an Excel workbook, not a CSV file", {}),
    ("binary_data.csv", "organisations", 2, "name", "invisible control character (U+0000 NUL) at character 3", {}),
    ("mostly_binary.csv", "organisations", None, "", "contains binary data", {}),
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
        "“no-such-organisation” is not a known organisation: give the slug or an identifier",
        {},
    ),
    (
        "unknown_consortium_slug.csv",
        "memberships",
        2,
        "consortium",
        "“no-such-consortium” is not a known consortium. Use one of:",
        {},
    ),
    ("unknown_theme.csv", "organisations", 2, "themes", "“basket-weaving” is not a known theme. Use one of:", {}),
    ("unknown_region.csv", "organisations", 2, "regions", "“Atlantis” is not a known region. Use one of:", {}),
    ("unknown_role.csv", "memberships", 2, "role", "“boss” is not a known role. Use one of: lead, member", {}),
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
    # Quoting: a quote in the wrong place would silently join rows or change a cell (issue 13).
    ("unclosed_quote_at_end.csv", "organisations", 2, "description", "opens this cell is never closed", {}),
    ("unclosed_quote_closed_later.csv", "organisations", 2, "description", "is closed only on line 3", {}),
    ("text_after_closing_quote.csv", "organisations", 2, "name", "Text follows the closing quote", {}),
    ("unclosed_quote_in_heading.csv", "organisations", 1, "column 2", "opens this cell is never closed", {}),
    (
        "swallowed_row_quote_balanced.csv",
        "organisations",
        2,
        "description",
        "Line 2 of this cell looks like a whole row of the file",
        {},
    ),
    # Rows that do not fit the heading row.
    ("fewer_cells_than_headings.csv", "organisations", 3, "", "This row has 2 cells but there are 4 column", {}),
    ("value_under_no_heading.csv", "organisations", 2, "", "Column 3 has no heading", {}),
    ("repeated_heading_row.csv", "organisations", 3, "", "This row repeats the heading row", {}),
    ("two_files_joined.csv", "organisations", 3, "", "This row repeats the heading row", {}),
    # Headings.
    ("ten_thousand_unknown_headings.csv", "organisations", None, "", "10,000 columns are not recognised", {}),
    ("misspelt_heading.csv", "organisations", None, "", "“descripton” (did you mean “description”?)", {}),
    # Characters the model layer refuses (directory/validators.py), named by row and column.
    ("control_character_in_name.csv", "organisations", 2, "name", "(U+001B ESC) at character 5", {}),
    ("line_break_in_name.csv", "organisations", 2, "name", "a line break (U+000A LF) at character 4", {}),
    ("tab_in_name.csv", "organisations", 2, "name", "a tab (U+0009 TAB) at character 4", {}),
    ("bidi_override_in_name.csv", "organisations", 2, "name", "invisible text-direction control (U+202E", {}),
    ("noncharacter_in_description.csv", "organisations", 2, "description", "a Unicode noncharacter (U+FFFE)", {}),
    ("byte_order_mark_inside_cell.csv", "organisations", 2, "name", "a byte-order mark (U+FEFF)", {}),
    # Values the database could not hold, or that could only do harm.
    ("huge_cell.csv", "organisations", 2, "description", "200,000 characters long; the most allowed is 131,072", {}),
    ("member_count_too_large.csv", "organisations", 2, "member_count", "is too large: the most allowed", {}),
    ("negative_member_count.csv", "organisations", 2, "member_count", "“-5” is not a whole number of zero or more", {}),
    ("contributor_order_too_large.csv", "contributors", 2, "order", "the most allowed is 32,767", {}),
    ("javascript_url.csv", "organisations", 2, "website", "“javascript:alert(1)” is not a valid web address", {}),
    ("email_with_spaces.csv", "contacts", 2, "email", "is not a valid email address", {}),
    ("other_name_dates_reversed.csv", "organisations", 2, "former_names", "end (2019-01-01) before they start", {}),
    ("press_contact_name_missing.csv", "outputs", 2, "press_contact", "Give the press contact's full name too", {}),
    ("same_contact_twice_in_another_case.csv", "contacts", 3, "name", "same contact as row 2", {}),
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
