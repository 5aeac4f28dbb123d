"""Importing good files: real-world spreadsheets, upserts by natural key, duplicates, history."""

import pytest
from django.db import connection

from consortia.models import Membership
from csvio.services import csv_import
from directory.models import Organisation, OrganisationIdentifier
from search.documents import search_organisations
from tests.factories import IdentifierFactory, OrganisationFactory, OrganisationNameFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(kind, text, encoding="utf-8", **options):
    data = text.encode(encoding) if isinstance(text, str) else text
    return csv_import(kind, data, filename="test.csv", **options)


def test_utf8_with_bom_crlf_quoted_cells_and_loose_headings_are_read():
    text = (
        "\ufeff Slug ,NAME,Short-Name,Description\r\n"
        'cafe-trust,"Café Trust, Wales",CT,"Line one,\r\nline two with ""quotes"""\r\n'
        "\r\n,,,\r\n"
    )
    report = run("organisations", text)
    assert report.written, report.as_text()
    organisation = Organisation.objects.get(slug="cafe-trust")
    assert organisation.name == "Café Trust, Wales"
    assert organisation.short_name == "CT"
    assert organisation.description == 'Line one,\r\nline two with "quotes"'


def test_windows_1252_from_excel_is_read_and_reported():
    report = run("organisations", "slug,name\ncafe-trust,Café – Trust’s\n", encoding="cp1252")
    assert report.written
    assert report.encoding == "Windows-1252"
    assert Organisation.objects.get(slug="cafe-trust").name == "Café – Trust’s"


def test_an_identifier_match_wins_over_a_slug_match():
    by_identifier = OrganisationFactory(slug="charity-a", name="Charity A")
    IdentifierFactory(organisation=by_identifier, scheme="GB-CHC", value="1100001")
    OrganisationFactory(slug="charity-b", name="Charity B")
    report = run("organisations", "name,identifiers\nCharity A (renamed),GB-CHC-1100001\n")
    assert report.changed == 1 and report.new == 0, report.as_text()
    by_identifier.refresh_from_db()
    assert by_identifier.name == "Charity A (renamed)"
    assert by_identifier.slug == "charity-a"


def test_a_slug_belonging_to_another_organisation_than_the_identifier_is_refused():
    owner = OrganisationFactory(slug="charity-a")
    IdentifierFactory(organisation=owner, scheme="GB-CHC", value="1100001")
    OrganisationFactory(slug="charity-b")
    report = run("organisations", "slug,name,identifiers\ncharity-b,Charity B,GB-CHC-1100001\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "slug")]


def test_identifiers_may_name_organisations_in_other_files():
    organisation = OrganisationFactory(slug="charity-a")
    IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1100001")
    OrganisationFactory(slug="consortium-lead")
    from tests.factories import ConsortiumFactory

    ConsortiumFactory(slug="network")
    report = run("memberships", "organisation,consortium,role,start_date\nGB-CHC-1100001,network,member,2024-01-01\n")
    assert report.written, report.as_text()
    assert Membership.objects.get().organisation == organisation


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("The Example Trust", "example trust"),
        ("Example & Partners", "Example and Partners"),
        ("Example Services Ltd", "Example Services Limited"),
        ("Example, Trust.", "EXAMPLE TRUST"),
    ],
)
def test_a_likely_duplicate_is_flagged_not_created(recorded, typed):
    OrganisationFactory(slug="recorded", name=recorded)
    report = run("organisations", f"slug,name\nnew-one,{typed}\n")
    assert not report.written
    assert report.errors[0].column == "name"
    assert "Likely duplicate" in report.errors[0].message
    assert not Organisation.objects.filter(slug="new-one").exists()


def test_a_former_name_counts_for_duplicates_too():
    OrganisationNameFactory(organisation=OrganisationFactory(slug="renamed"), name="Old Example Trust")
    report = run("organisations", "slug,name\nnew-one,The Old Example Trust\n")
    assert "another name of renamed" in report.errors[0].message


def test_two_new_rows_with_the_same_normalised_name_are_flagged():
    report = run("organisations", "slug,name\none,Example Trust\ntwo,The Example Trust\n")
    assert [(e.row, e.column) for e in report.errors] == [(3, "name")]


def test_duplicates_can_be_allowed_deliberately():
    OrganisationFactory(slug="recorded", name="Example Trust")
    report = run("organisations", "slug,name\nnew-one,Example Trust\n", allow_duplicate_names=True)
    assert report.written


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history():
    ThemeFactory(slug="housing", name="Housing")
    text = (
        "slug,name,identifiers,former_names,themes,regions,phone\n"
        "example-trust,Example Trust,GB-CHC-1234567;GB-COH-01234567,Old Name,housing,wales;london,020 7946 0000\n"
    )
    assert run("organisations", text).written
    organisation = Organisation.objects.get(slug="example-trust")
    history = organisation.history.count()
    again = run("organisations", text)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
    assert organisation.history.count() == history


def test_a_changed_row_updates_only_its_columns_and_records_history():
    user = UserFactory(username="importer")
    ThemeFactory(slug="housing", name="Housing")
    ThemeFactory(slug="carers", name="Carers")
    organisation = OrganisationFactory(slug="example-trust", name="Example Trust", description="Kept as it was.")
    organisation.themes.add(*ThemeFactory._meta.model.objects.filter(slug="housing"))
    report = run("organisations", "slug,name,themes\nexample-trust,Example Trust,carers\n", user=user)
    assert report.changed == 1
    assert report.changes[0].fields == [("themes", "housing", "carers")]
    organisation.refresh_from_db()
    assert organisation.description == "Kept as it was."
    assert [t.slug for t in organisation.themes.all()] == ["carers"]
    latest = organisation.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == user
    assert latest.history_change_reason == "CSV import: test.csv"
    assert [t.theme.slug for t in latest.themes.all()] == ["carers"]


def test_identifiers_and_other_names_are_replaced_and_searchable():
    organisation = OrganisationFactory(slug="example-trust", name="Example Trust")
    IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1100001")
    report = run(
        "organisations",
        "slug,name,identifiers,former_names\nexample-trust,Example Trust,GB-SC-SC012345,Example Old Trust\n",
    )
    assert report.written, report.as_text()
    assert [i.org_id for i in OrganisationIdentifier.objects.filter(organisation=organisation)] == ["GB-SC-SC012345"]
    organisation.refresh_from_db()
    assert organisation.search_names == organisation.build_search_names()
    assert search_organisations(Organisation.objects.all(), "old trust").get() == organisation
    assert search_organisations(Organisation.objects.all(), "SC012345").get() == organisation


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search_vector exists on PostgreSQL only")
def test_imported_organisations_get_the_vector_a_refresh_would_give_on_postgresql():
    from search.index import THEME_NAMES_SQL, VECTOR_SQL

    ThemeFactory(slug="carers", name="Carers")
    ThemeFactory(slug="housing", name="Housing")
    report = run(
        "organisations",
        "slug,name,description,themes,former_names\n"
        "example-trust,Example Trust,Supports carers in Wales,housing;carers,Old Example\n"
        "other-trust,Other Trust,,,\n",
    )
    assert report.written, report.as_text()
    expected = VECTOR_SQL.format(names="o.search_names", description="o.description", themes=THEME_NAMES_SQL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM directory_organisation o WHERE o.search_vector IS DISTINCT FROM "
            + expected.format(alias="o")
        )
        assert cursor.fetchone()[0] == 0
    assert Organisation.objects.get(slug="example-trust").search_vector is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the typo-correction word list is PostgreSQL's")
def test_imported_organisations_add_the_words_a_refresh_would_add_on_postgresql():
    """The importer splits words itself; they must be exactly the words update_search_words finds."""
    from search.index import update_search_words

    ThemeFactory(slug="carers", name="Carers’ Rights")
    report = run(
        "organisations",
        "slug,name,description,themes,identifiers,acronyms\n"
        'cafe-trust,Café Trust,"A naïve résumé: co-operative_work, 2024 & ÉCOLE",carers,GB-CHC-1234567,CT\n'
        "other-trust,Other Trust (Wales),Straße und Ærø,,,\n",
    )
    assert report.written, report.as_text()
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM directory_search_word")
        words = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM directory_search_word")
        update_search_words(list(Organisation.objects.values_list("pk", flat=True)))
        cursor.execute("SELECT word FROM directory_search_word")
        expected = {row[0] for row in cursor.fetchall()}
    assert {"cafe", "naïve", "résumé", "operative", "work", "école", "straße", "ærø", "1234567", "rights"} <= expected
    assert expected <= words
    assert "gb-chc-1234567" not in words and "co-operative" not in words


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
def test_reserved_ids_are_the_sequences_own_even_when_it_hands_out_gaps():
    from csvio.fastdb import IdReserver
    from directory.models import Theme

    reserver = IdReserver()
    block = reserver.reserve(Theme, 5)
    assert isinstance(block, range) and len(block) == 5
    # Another session taking values in between leaves gaps; a step of 3 stands in for it here.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('directory_theme', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")
        scattered = reserver.reserve(Theme, 4)
        assert list(scattered) == [block[-1] + 3 * step for step in range(1, 5)]
        cursor.execute("SELECT nextval(%s)", [sequence])
        assert cursor.fetchone()[0] == scattered[-1] + 3
    assert reserver.reserve(Theme, 0) == range(0)


def test_a_dry_run_writes_nothing():
    report = run("organisations", "slug,name\nexample-trust,Example Trust\n", dry_run=True)
    assert report.new == 1 and not report.written
    assert not Organisation.objects.exists()


def test_a_membership_end_date_can_be_added_by_reimport():
    from tests.factories import MembershipFactory

    membership = MembershipFactory(role="member", start_date="2020-01-01")
    org, cons = membership.organisation.slug, membership.consortium.slug
    report = run(
        "memberships", f"organisation,consortium,role,start_date,end_date\n{org},{cons},member,2020-01-01,2023-03-31\n"
    )
    assert report.changed == 1, report.as_text()
    membership.refresh_from_db()
    assert str(membership.end_date) == "2023-03-31"


def test_a_consortium_may_name_a_parent_further_down_the_file():
    report = run(
        "consortia", "slug,name,parent\nchild-network,Child Network,parent-alliance\nparent-alliance,Parent Alliance,\n"
    )
    assert report.written, report.as_text()
    from consortia.models import Consortium

    assert Consortium.objects.get(slug="child-network").parent.slug == "parent-alliance"


def test_uk_dates_and_yes_no_are_understood():
    OrganisationFactory(slug="example-trust")
    report = run(
        "contacts", "organisation,name,is_public,last_verified_on\nexample-trust,Jane Example,yes,31/03/2024\n"
    )
    assert report.written, report.as_text()
    contact = Organisation.objects.get(slug="example-trust").contacts.get()
    assert contact.is_public is True
    assert str(contact.last_verified_on) == "2024-03-31"
