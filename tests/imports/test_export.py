"""Exports: spreadsheet-safe, streamed, and importing back to exactly the same records."""

import csv
import inspect
import io
from pathlib import Path

import pytest

from csvio.exports import csv_export, export_rows
from csvio.safety import RISKY_FIRST_CHARACTERS
from csvio.services import csv_import
from directory.models import Contact, Organisation
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ORDER = ["organisations", "consortia", "memberships", "contacts", "outputs", "contributors", "relationships"]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def exported(kind: str, queryset=None) -> str:
    """The export's text after its byte-order mark (every export starts with one, for Excel)."""
    text = "".join(csv_export(kind, queryset))
    assert text.startswith("\ufeff")
    return text[1:]


@pytest.fixture
def examples(seed):
    for kind in ORDER:
        report = csv_import(kind, EXAMPLES / f"{kind}.csv", filename=f"{kind}.csv")
        assert report.written, report.as_text()
        assert report.new == len(rows_of((EXAMPLES / f"{kind}.csv").read_text())) - 1


@pytest.mark.parametrize("kind", ORDER)
def test_an_example_file_imports_and_exports_back_the_same(examples, kind):
    expected = rows_of((EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8"))
    if kind == "memberships":  # an identifier in the file comes back as the organisation's slug
        expected = [[cell.replace("GB-CHC-1234567", "example-community-trust") for cell in row] for row in expected]
    got = rows_of(exported(kind))
    assert got[0] == expected[0]
    example_rows = [row for row in got[1:] if any("example" in cell for cell in row[:3])]
    assert sorted(example_rows) == sorted(expected[1:])


@pytest.mark.parametrize("kind", ORDER)
def test_reimporting_an_export_changes_nothing(examples, kind):
    history_before = sum(model.history.count() for model in (Organisation, Contact))
    report = csv_import(kind, exported(kind).encode("utf-8"), filename="export.csv")
    assert report.ok, report.as_text()
    assert (report.new, report.changed) == (0, 0)
    assert report.unchanged == report.total > 0
    assert sum(model.history.count() for model in (Organisation, Contact)) == history_before


def test_every_risky_first_character_is_escaped_and_imports_back(db):
    risky = {character: f"{character}SUM(1+1)" for character in RISKY_FIRST_CHARACTERS}
    for number, text in enumerate(risky.values()):
        OrganisationFactory(slug=f"risky-{number}", name=f"Risky {number}", description=text)
    rows = rows_of(exported("organisations"))
    column = rows[0].index("description")
    descriptions = {row[0]: row[column] for row in rows[1:]}
    for number, character in enumerate(risky):
        assert descriptions[f"risky-{number}"] == "'" + risky[character]
    report = csv_import("organisations", exported("organisations").encode(), filename="risky.csv")
    assert (report.new, report.changed, report.unchanged) == (0, 0, len(risky)), report.as_text()
    for number, character in enumerate(risky):
        assert Organisation.objects.get(slug=f"risky-{number}").description == risky[character]


def test_dates_are_iso_and_lists_are_semicolon_joined(examples):
    rows = rows_of(exported("organisations"))
    header = rows[0]
    network = next(row for row in rows if row[0] == "example-justice-network")
    assert network[header.index("founded_on")] == "2005-09-12"
    assert network[header.index("themes")] == "criminal-justice;race-equality"
    assert network[header.index("identifiers")] == "GB-CHC-7654321;GB-COH-07654321"


def test_exports_stream_instead_of_building_the_file():
    assert inspect.isgenerator(csv_export("organisations"))


def test_an_organisation_export_reads_five_queries_per_batch(django_assert_num_queries):
    for number in range(3):
        OrganisationFactory(slug=f"org-{number}")
    with django_assert_num_queries(5):  # organisations, identifiers, other names, themes, regions
        exported("organisations")


def test_the_caller_decides_which_contacts_are_visible():
    ContactFactory(name="Public Person", is_public=True)
    ContactFactory(name="Private Person", is_public=False)
    header, rows = export_rows("contacts", Contact.objects.visible_to(None))
    names = [row[header.index("name")] for row in rows]
    assert names == ["Public Person"]


def test_export_command_writes_a_file(examples, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "orgs.csv"
    call_command("export_csv", "organisation", "--output", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfslug,")  # UTF-8's byte-order mark, for Excel
    assert rows_of(target.read_text(encoding="utf-8-sig"))[0][0] == "slug"
