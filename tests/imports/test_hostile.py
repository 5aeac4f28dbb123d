"""Files that used to be read wrongly, crash the write, or change data silently (issues 10 and 13).

Each test names what a coordinator would notice. The refused files with a
message each are in the bad-file corpus (test_bad_files.py); here are the
files that must import exactly, the rules that span stages, and the
database failures.
"""

import codecs
import csv
import io

import pytest
from django.db import connection

from consortia.models import JointOutput, Membership
from csvio.cells import ValueLookup, lookup_key
from csvio.exports import csv_export
from csvio.kinds import IMPORTERS
from csvio.safety import escape_cell, unescape_cell
from csvio.services import csv_import
from directory.models import Contact, Organisation, OrganisationName, OrganisationRelationship
from directory.models.base import LONG_TEXT_MAX_LENGTH
from tests.factories import (
    ConsortiumFactory,
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationNameFactory,
    RelationshipTypeFactory,
    ThemeFactory,
    region,
)

pytestmark = pytest.mark.django_db


def run(kind, data, **options):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return csv_import(kind, data, filename="test.csv", **options)


def exported(kind, queryset=None) -> bytes:
    return "".join(csv_export(kind, queryset)).encode("utf-8")


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- what a file may look like: read, not refused ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("slug,name\rcafe-trust,Café Trust\rtwo-trust,Two Trust\r".encode(), "UTF-8", ","),
        ("slug,name\r\ncafe-trust,Café Trust\ntwo-trust,Two Trust\r".encode(), "UTF-8", ","),
        ("slug;name\ncafe-trust;Café Trust\ntwo-trust;Two Trust\n".encode(), "UTF-8", ";"),
        ("slug\tname\ncafe-trust\tCafé Trust\ntwo-trust\tTwo Trust\n".encode(), "UTF-8", "\t"),
        ("slug|name\ncafe-trust|Café Trust\ntwo-trust|Two Trust\n".encode(), "UTF-8", "|"),
        (
            codecs.BOM_UTF32_LE + "slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("utf-32-le"),
            "UTF-32",
            ",",
        ),
        (
            codecs.BOM_UTF32_BE + "slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("utf-32-be"),
            "UTF-32",
            ",",
        ),
        (
            codecs.BOM_UTF16_LE + "slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("utf-16-le"),
            "UTF-16",
            ",",
        ),
        (
            "slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("utf-16-le"),
            "UTF-16 (little-endian, no byte-order mark)",
            ",",
        ),
        (
            "slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("utf-16-be"),
            "UTF-16 (big-endian, no byte-order mark)",
            ",",
        ),
        ("slug,name\ncafe-trust,Café Trust\ntwo-trust,Two Trust\n".encode("cp1252"), "Windows-1252", ","),
    ],
    ids=[
        "cr",
        "mixed",
        "semicolon",
        "tab",
        "bar",
        "utf32le",
        "utf32be",
        "utf16le",
        "utf16le-bare",
        "utf16be-bare",
        "cp1252",
    ],
)
def test_line_ends_separators_and_encodings_are_read_and_named(data, encoding, delimiter):
    report = run("organisations", data)
    assert report.written, report.as_text()
    assert (report.encoding, report.delimiter) == (encoding, delimiter)
    assert Organisation.objects.get(slug="cafe-trust").name == "Café Trust"
    assert Organisation.objects.get(slug="two-trust").name == "Two Trust"
    if delimiter == ";":
        assert "separated by semicolons" in report.as_text()
    if encoding != "UTF-8":
        assert f"read as {encoding}" in report.as_text()


def test_excels_separator_line_names_the_separator_and_is_not_a_row():
    report = run("organisations", "sep=;\r\nslug;name\r\nnew-trust;New, Trust\r\n")
    assert report.written and report.delimiter == ";", report.as_text()
    assert Organisation.objects.get(slug="new-trust").name == "New, Trust"
    bad = run("organisations", "sep=;\nslug;name\nnew trust;New Trust\n")
    assert [(e.row, e.column) for e in bad.errors] == [(2, "slug")]


def test_an_uppercase_slug_is_kept_as_typed_and_found_in_any_case_by_other_files():
    assert run("organisations", "slug,name\nNew-Trust,New Trust\n").written
    assert Organisation.objects.filter(slug="New-Trust").exists()
    ConsortiumFactory(slug="club")
    report = run("memberships", "organisation,consortium,role\nnew-trust,CLUB,member\n")
    assert report.written, report.as_text()


@pytest.mark.parametrize("line_break", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize("file_end", ["\n", "\r\n", "\r"])
def test_a_line_break_inside_a_quoted_cell_is_kept_exactly_and_written_as_checked(line_break, file_end):
    """A bare CR in a quoted cell passed the check and then failed inside COPY (issue 13, item 1)."""
    text = f'slug,name,description{file_end}new-trust,New Trust,"line1{line_break}line2"{file_end}'
    checked = run("organisations", text, dry_run=True)
    assert checked.ok and checked.new == 1, checked.as_text()
    report = run("organisations", text)
    assert report.written, report.as_text()
    assert Organisation.objects.get(slug="new-trust").description == f"line1{line_break}line2"
    again = run("organisations", exported("organisations", Organisation.objects.filter(slug="new-trust")))
    assert (again.unchanged, again.changed) == (1, 0), again.as_text()


def test_quotes_inside_an_unquoted_cell_are_kept_as_typed():
    report = run("organisations", 'slug,name\nnew-trust,The "New" Trust\n')
    assert report.written, report.as_text()
    assert Organisation.objects.get(slug="new-trust").name == 'The "New" Trust'


def test_a_tab_separated_file_may_have_tabs_only_as_separators():
    report = run("organisations", 'slug\tname\nnew-trust\t"New\tTrust"\n')
    assert [(e.row, e.column) for e in report.errors] == [(2, "name")]
    assert "a tab (U+0009 TAB)" in report.errors[0].message


def test_a_heading_with_other_case_spaces_and_a_byte_order_mark_is_matched():
    report = run("organisations", "\ufeff  SLUG ,Name  \nnew-trust,New Trust\n")
    assert report.written, report.as_text()


def test_a_row_with_trailing_empty_separators_is_read():
    report = run("organisations", "slug,name\nnew-trust,New Trust,,\n")
    assert report.written, report.as_text()


def test_a_stray_byte_in_an_ascii_file_is_read_as_windows_1252():
    """No evidence of UTF-8 (no character of several bytes): Excel's “CSV (Comma delimited)”."""
    report = run("organisations", b"slug,name\nnew-trust,Caf\xe9 Trust\n")
    assert report.written and report.encoding == "Windows-1252"
    assert Organisation.objects.get(slug="new-trust").name == "Café Trust"


def test_one_bad_byte_in_a_utf8_file_is_refused_where_it_is_and_not_read_as_windows_1252():
    data = "slug,name\ncafe-trust,Café Trust\nnew-trust,Nouvelle Trust\n".encode() + b"other,Caf\xe9\n"
    report = run("organisations", data)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(4, "name")]
    assert "0xE9" in report.errors[0].message
    assert not Organisation.objects.filter(name__contains="Ã").exists()


def test_a_cell_may_be_longer_than_the_csv_modules_default_limit_up_to_the_models():
    longest = "x" * LONG_TEXT_MAX_LENGTH
    report = run("organisations", f"slug,name,description\nlong-trust,Long Trust,{longest}\n")
    assert report.written, report.as_text()
    assert len(Organisation.objects.get(slug="long-trust").description) == LONG_TEXT_MAX_LENGTH
    too_long = run("organisations", f"slug,name,description\nlong-trust,Long Trust,{longest}y\n")
    assert [(e.row, e.column) for e in too_long.errors] == [(2, "description")]


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_every_text_column_has_its_model_fields_limit(kind):
    """The importer's limit for a cell is the model's, so that whatever the API or the admin accepts exports and
    imports back (issue 13, item 5)."""
    importer = IMPORTERS[kind]
    for column in importer.columns:
        limit = getattr(column.parse, "max_length", None)
        attname = importer.field_columns.get(column.name)
        if limit is None or attname is None:
            continue
        field = importer.model._meta.get_field(attname)
        assert limit == (field.max_length or LONG_TEXT_MAX_LENGTH), (kind, column.name)


# -- exact round trips ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "\nStarts with a line feed",
        "\rStarts with a return",
        "Ends with one\n",
        " padded ",
        "'=quoted",
        "''x",
        "=1+1",
        "'plain",
    ],
)
def test_escaping_for_spreadsheets_is_undone_exactly(value):
    assert unescape_cell(escape_cell(value)) == value


@pytest.mark.parametrize(
    "description", ["\nStarts with a line feed", "\r\nStarts with CRLF", "\rStarts with CR", "Ends with a line\n"]
)
def test_a_value_starting_with_a_line_break_does_not_change_on_reimport(description):
    organisation = OrganisationFactory(slug="edge", description=description)
    report = run("organisations", exported("organisations", Organisation.objects.filter(pk=organisation.pk)))
    assert (report.unchanged, report.changed) == (1, 0), report.as_text()
    organisation.refresh_from_db()
    assert organisation.description == description


def test_reimporting_a_contacts_export_never_creates_a_second_contact():
    organisation = OrganisationFactory(slug="people")
    for name in ["Jane Example", "=Formula Person", "Trailing Space ", "\nLine Feed First", "Zoë Ëxample"]:
        ContactFactory(organisation=organisation, name=name)
    before = Contact.objects.count()
    report = run("contacts", exported("contacts"))
    assert (report.new, report.changed) == (0, 0), report.as_text()
    typed = run("contacts", "organisation,name,job_title\npeople,JANE  EXAMPLE,Director\n")
    assert (typed.new, typed.changed) == (0, 1), typed.as_text()
    assert Contact.objects.count() == before


def test_other_names_keep_their_dates_through_an_export():
    import datetime

    organisation = OrganisationFactory(slug="renamed", name="Renamed Trust")
    OrganisationNameFactory(
        organisation=organisation,
        name="Old Trust",
        kind="former",
        start_date=datetime.date(2001, 4, 1),
        end_date=datetime.date(2016, 3, 31),
    )
    OrganisationNameFactory(organisation=organisation, name="RT", kind="acronym")
    data = exported("organisations", Organisation.objects.filter(pk=organisation.pk))
    header, row = rows_of(data)
    assert row[header.index("former_names")] == "Old Trust (2001-04-01 to 2016-03-31)"
    assert run("organisations", data).unchanged == 1
    OrganisationName.objects.all().delete()
    report = run("organisations", data)
    assert report.changed == 1, report.as_text()
    names = {(n.name, n.kind, n.start_date, n.end_date) for n in OrganisationName.objects.all()}
    assert names == {
        ("Old Trust", "former", datetime.date(2001, 4, 1), datetime.date(2016, 3, 31)),
        ("RT", "acronym", None, None),
    }


def test_a_name_given_without_dates_keeps_its_recorded_dates():
    import datetime

    organisation = OrganisationFactory(slug="renamed", name="Renamed Trust")
    OrganisationNameFactory(
        organisation=organisation, name="Old Trust", kind="former", start_date=datetime.date(2001, 4, 1)
    )
    report = run("organisations", "slug,name,former_names\nrenamed,Renamed Trust,Old Trust\n")
    assert report.unchanged == 1, report.as_text()
    assert OrganisationName.objects.get().start_date == datetime.date(2001, 4, 1)


@pytest.mark.parametrize(
    ("typed", "stored", "exported_as"),
    [
        ("020 7946 0000 ext 12", "+442079460000;ext=12", "020 7946 0000 x12"),
        ("020 7946 0000 x 12", "+442079460000;ext=12", "020 7946 0000 x12"),
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
    ],
)
def test_a_telephone_extension_is_kept_and_exported(typed, stored, exported_as):
    report = run("organisations", f"slug,name,phone\nphone-trust,Phone Trust,{typed}\n")
    assert report.written, report.as_text()
    organisation = Organisation.objects.get(slug="phone-trust")
    assert organisation.phone.extension == (stored.partition("=")[2] or None)
    data = exported("organisations", Organisation.objects.filter(slug="phone-trust"))
    header, row = rows_of(data)
    assert row[header.index("phone")] == exported_as
    assert run("organisations", data).unchanged == 1


# -- a blank cell leaves the record as it is --------------------------------------------------------------


def test_a_blank_is_public_leaves_a_hidden_organisation_hidden():
    OrganisationFactory(slug="hidden", name="Hidden Trust", is_public=False)
    report = run("organisations", "slug,name,is_public\nhidden,Hidden Trust,\n")
    assert report.unchanged == 1, report.as_text()
    assert Organisation.objects.get(slug="hidden").is_public is False


def test_a_new_record_takes_the_models_default_for_a_blank_cell():
    OrganisationFactory(slug="org")
    report = run("contacts", "organisation,name,is_public\norg,New Person,\n")
    assert report.written, report.as_text()
    assert Contact.objects.get(name="New Person").is_public is False  # Contact's default, not Organisation's


@pytest.mark.parametrize("kind", ["organisations", "consortia", "memberships", "contacts", "outputs", "relationships"])
def test_blank_cells_in_every_column_leave_every_kind_of_record_unchanged(kind):
    """The one rule (docs/csv.md, “Blank cells”) for every column of every kind: blank is not “reset”."""
    theme = ThemeFactory(slug="housing", name="Housing")
    lead = OrganisationFactory(
        slug="lead-org", name="Lead Org", is_public=False, member_count=12, phone="+442079460000"
    )
    lead.themes.add(theme)
    lead.regions.add(region("wales"))
    OrganisationNameFactory(organisation=lead, name="Old Lead", kind="former")
    other = OrganisationFactory(slug="other-org", name="Other Org")
    consortium = ConsortiumFactory(slug="the-consortium", name="The Consortium", is_public=False, kind="network")
    consortium.themes.add(theme)
    import datetime

    MembershipFactory(
        organisation=lead,
        consortium=consortium,
        role="lead",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 1, 1),
        note="A note",
    )
    contact = ContactFactory(organisation=lead, name="Press Person", is_public=True, job_title="Press", notes="Kept")
    output = JointOutput.objects.create(
        slug="the-output",
        title="The Output",
        kind="report",
        consortium=consortium,
        is_public=False,
        summary="Kept",
        press_contact=contact,
    )
    output.themes.add(theme)
    OrganisationRelationship.objects.create(
        subject=lead,
        object=other,
        type=RelationshipTypeFactory(slug="funded-by", name="Funded by"),
        start_date=datetime.date(2019, 1, 1),
        note="Kept",
    )
    header, *rows = rows_of(exported(kind))
    importer = IMPORTERS[kind]
    keys = {c for c, (_r, attname) in importer.ref_columns.items() if attname in importer.key}
    keys |= {c for c, attname in importer.field_columns.items() if attname in importer.key}
    keep = keys | {c.name for c in importer.columns if importer().blank_message(c)} | {"slug"}
    blanked = [[cell if header[i] in keep else "" for i, cell in enumerate(row)] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *blanked])
    before = exported(kind)
    report = run(kind, buffer.getvalue())
    assert report.ok and report.changed == 0 and report.new == 0, report.as_text()
    assert exported(kind) == before


def test_a_visibility_flip_is_shown_as_needing_attention():
    OrganisationFactory(slug="hidden", name="Hidden Trust", is_public=False)
    OrganisationFactory(slug="shown", name="Shown Trust", is_public=True)
    report = run(
        "organisations", "slug,name,is_public\nhidden,Hidden Trust,true\nshown,Shown Trust,false\n", dry_run=True
    )
    assert [(change.row, change.attention) for change in report.attention] == [
        (2, ["Hidden from visitors until now: this import shows it to everyone."]),
        (3, ["Shown to visitors until now: this import hides it from everyone who is not logged in."]),
    ]
    assert "Needs attention, row 2: Hidden Trust (hidden)" in report.as_text()


def test_a_blank_end_date_keeps_a_closed_membership_closed_and_checks_overlaps_with_it():
    import datetime

    organisation = OrganisationFactory(slug="member-org")
    consortium = ConsortiumFactory(slug="club")
    MembershipFactory(
        organisation=organisation,
        consortium=consortium,
        role="member",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    text = (
        "organisation,consortium,role,start_date,end_date\n"
        "member-org,club,member,2020-01-01,\n"
        "member-org,club,member,2022-01-01,\n"
    )
    report = run("memberships", text)
    assert report.written and (report.unchanged, report.new) == (1, 1), report.as_text()
    assert Membership.objects.get(start_date=datetime.date(2020, 1, 1)).end_date == datetime.date(2021, 1, 1)


def test_an_end_before_a_recorded_start_is_refused_when_the_start_cell_is_blank():
    import datetime

    OrganisationFactory(slug="dated", name="Dated Trust", founded_on=datetime.date(2010, 1, 1))
    report = run("organisations", "slug,name,founded_on,dissolved_on\ndated,Dated Trust,,2005-01-01\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "dissolved_on")]
    assert "the other date is recorded already" in report.errors[0].message


# -- reference values by name or slug -------------------------------------------------------------------------


def test_themes_regions_choices_and_types_are_accepted_by_name_in_any_case_and_spacing():
    ThemeFactory(slug="mental-health", name="Mental health")
    ThemeFactory(slug="criminal-justice", name="Criminal justice")
    text = (
        "slug,name,classification,themes,regions,identifiers\n"
        "one,One Trust,Membership body,Mental health;CRIMINAL  JUSTICE,South East;wales,gb chc 1234567\n"
        "two,Two Trust,MEMBERSHIP_BODY,mental-health,SOUTH-EAST;Wales,GB_COH 01234567\n"
    )
    report = run("organisations", text)
    assert report.written, report.as_text()
    one = Organisation.objects.get(slug="one")
    assert one.classification == "membership-body"
    assert sorted(one.themes.values_list("slug", flat=True)) == ["criminal-justice", "mental-health"]
    assert sorted(one.regions.values_list("slug", flat=True)) == ["south-east", "wales"]
    assert one.identifiers.get().value == "1234567"
    ConsortiumFactory(slug="mental-health-consortia", name="Mental Health Consortia")
    RelationshipTypeFactory(slug="partner-of", name="Partner of")
    memberships = run("memberships", "organisation,consortium,role\nONE,Mental Health Consortia,Lead\n")
    assert memberships.written, memberships.as_text()
    relationships = run("relationships", "subject,type,object\none,Partner Of,two\n")
    assert relationships.written, relationships.as_text()


def test_the_same_mistake_gets_the_same_message_in_every_reference_column():
    ThemeFactory(slug="mental-health", name="Mental health")
    report = run("organisations", "slug,name,themes,regions\none,One,Basket weaving,Atlantis\n")
    messages = {e.column: e.message for e in report.errors}
    assert messages["themes"].startswith("“Basket weaving” is not a known theme. Use one of: ")
    assert messages["regions"].startswith("“Atlantis” is not a known region. Use one of: ")
    assert "wales (Wales)" not in messages["regions"]  # a name that only differs in case is not listed twice
    assert "wales" in messages["regions"]


def test_a_name_two_records_share_finds_neither():
    lookup = ValueLookup("theme", [(1, "first", "Same name"), (2, "second", "Same name")])
    assert lookup.get("same name") is None
    assert lookup.get("First") == 1
    assert lookup_key("Children & young people") == lookup_key("children and young-people")


def test_problems_are_listed_by_row_then_by_column_in_file_order():
    text = "slug,name,founded_on,email\nb,,not a date,bad\na,Fine,,also bad\n"
    report = run("organisations", text)
    assert [(e.row, e.column) for e in report.errors] == [(2, "name"), (2, "founded_on"), (2, "email"), (3, "email")]


# -- the problems download ---------------------------------------------------------------------------------------


def test_the_problems_download_repeats_each_refused_rows_original_cells():
    text = "slug,Name,founded_on\ngood,Good Trust,2001-01-01\nbad,=HYPERLINK(1),31st May\n"
    report = run("organisations", text)
    rows = list(report.problem_rows())
    assert rows[0] == ["row", "problems", "slug", "Name", "founded_on"]
    assert rows[1:] == [
        [
            3,
            "name: This cell starts with “=” and a spreadsheet would run it as a formula. If it really is text, "
            "put an apostrophe (') in front of it.\nfounded_on: “31st May” is not a date: write it as YYYY-MM-DD, "
            "for example 2024-03-31.",
            "bad",
            "=HYPERLINK(1)",
            "31st May",
        ]
    ]
    body = "".join(report.problems_csv())
    assert body.startswith("\ufeffrow,problems,slug,Name,founded_on")
    assert "'=HYPERLINK(1)" in body  # still safe to open in a spreadsheet


def test_a_whole_file_problem_is_the_first_line_of_the_download():
    report = run("organisations", 'slug,name\nnew-trust,"Unclosed\n')
    assert list(report.problem_rows())[1][1].startswith("Row 2, column “name”: The quote")


# -- exports for spreadsheets ---------------------------------------------------------------------------------------


def test_exports_for_spreadsheets_start_with_a_byte_order_mark_and_import_back():
    OrganisationFactory(slug="ty-hafan", name="Tŷ Hafan")
    data = exported("organisations", Organisation.objects.filter(slug="ty-hafan"))
    assert data.startswith(codecs.BOM_UTF8)
    assert "Tŷ Hafan" in data.decode("utf-8-sig")
    assert run("organisations", data).unchanged == 1


# -- the database fails, or is busy --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_second_import_of_the_same_kind_at_the_same_moment_is_told_nothing_was_written(settings):
    settings.CSV_IMPORT_LOCK_WAIT_SECONDS = 0
    other = _second_connection()
    try:
        _hold_the_write_lock(other, "organisations")
        report = run("organisations", "slug,name\nnew-trust,New Trust\n")
    finally:
        other.rollback()
        other.close()
    assert not report.written
    assert "at the same moment" in report.errors[0].message
    assert "nothing was written" in report.errors[0].message
    assert not Organisation.objects.filter(slug="new-trust").exists()


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_the_write_is_explained_and_nothing_is_written(monkeypatch):
    from csvio import fastdb

    original = fastdb.insert
    calls = []

    def insert_then_lose_the_connection(model, attnames, rows):
        original(model, attnames, rows)
        calls.append(model)
        if len(calls) == 2:  # after the records and their history, before the rest
            _lose_the_connection()

    monkeypatch.setattr(fastdb, "insert", insert_then_lose_the_connection)
    report = run("organisations", "slug,name,themes\nnew-trust,New Trust,\nother-trust,Other Trust,\n")
    assert not report.written
    assert report.errors[0].message.startswith("The connection to the database was lost during the import, so nothing")
    connection.close()
    assert not Organisation.objects.filter(slug__in=["new-trust", "other-trust"]).exists()


def _second_connection():
    """A second connection to the test database, as another web worker would have."""
    if connection.vendor == "postgresql":
        import psycopg2

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        return psycopg2.connect(**params)
    import sqlite3

    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        return sqlite3.connect(
            f"file:{connection.settings_dict['TEST']['NAME'] or 'memorydb_default'}?mode=memory&cache=shared", uri=True
        )
    return sqlite3.connect(name)


def _hold_the_write_lock(other, kind):
    cursor = other.cursor()
    if connection.vendor == "postgresql":
        import zlib

        cursor.execute("BEGIN")
        key = zlib.crc32(f"csvio import {kind}".encode()) & 0x7FFFFFFF
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x43535649, key])
    else:
        other.isolation_level = None
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(
            "INSERT INTO directory_theme (name, slug, description, created_at, updated_at) "
            "VALUES ('Busy', 'busy', '', '2024-01-01', '2024-01-01')"
        )


def _lose_the_connection():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    else:
        # An in-memory SQLite database ends with its connection: the driver's error stands for the loss.
        from django.db import InterfaceError

        raise InterfaceError("connection already closed")


def test_an_import_starts_a_fresh_cache_generation_when_it_commits(django_capture_on_commit_callbacks):
    """The import writes without model signals; cached counts must not outlive it (issue 10, item 1)."""
    from django.core.cache import cache

    from search.facets import GENERATION_KEY

    before = cache.get_or_set(GENERATION_KEY, 1, None)
    with django_capture_on_commit_callbacks(execute=True):
        run("organisations", "slug,name\nfresh-trust,Fresh Trust\n", dry_run=True)
    assert cache.get(GENERATION_KEY) == before
    with django_capture_on_commit_callbacks(execute=True):
        assert run("organisations", "slug,name\nfresh-trust,Fresh Trust\n").written
    assert cache.get(GENERATION_KEY) > before


def test_a_dos_end_of_file_mark_after_the_last_row_is_not_a_row():
    report = run("organisations", b"slug,name\r\nnew-trust,New Trust\r\n\x1a")
    assert report.written and report.total == 1, report.as_text()
