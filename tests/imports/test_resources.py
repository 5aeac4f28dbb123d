"""The django-import-export resources: the library's calls, the engine's checks and speed underneath."""

from pathlib import Path

import pytest
import tablib

from consortia.models import Membership
from csvio.kinds import IMPORTERS
from csvio.resources import RESOURCES, MembershipResource, OrganisationResource
from directory.models import Organisation
from tests.factories import ConsortiumFactory, OrganisationFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ORDER = ["organisations", "consortia", "memberships", "contacts", "outputs", "contributors", "relationships"]


def dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def test_every_kind_has_a_resource_keyed_by_natural_keys_in_the_import_columns():
    assert set(RESOURCES) == set(IMPORTERS)
    for kind, resource_class in RESOURCES.items():
        resource = resource_class()
        columns = [column.name for column in IMPORTERS[kind].columns]
        assert [field.column_name for field in resource.get_import_fields()] == columns
        assert resource._meta.import_id_fields and set(resource._meta.import_id_fields) <= set(columns)
        assert "id" not in columns
    assert MembershipResource()._meta.import_id_fields == ["organisation", "consortium", "role", "start_date"]


def test_a_dry_run_previews_and_a_real_run_writes_with_history_naming_user_and_file():
    ThemeFactory(slug="housing", name="Housing")
    user = UserFactory(username="importer")
    data = dataset(
        "slug,name,themes,identifiers\nexample-trust,Example Trust,housing,GB-CHC-1234567\nother-trust,Other Trust,,\n"
    )
    preview = OrganisationResource().import_data(data, dry_run=True, user=user, file_name="members.csv")
    assert preview.totals["new"] == 2 and not preview.has_errors() and not preview.has_validation_errors()
    assert not Organisation.objects.exists()

    result = OrganisationResource().import_data(data, user=user, file_name="members.csv")
    assert (result.totals["new"], result.total_rows) == (2, 2)
    organisation = Organisation.objects.get(identifiers__value="1234567")
    assert [theme.slug for theme in organisation.themes.all()] == ["housing"]
    latest = organisation.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "CSV import: members.csv")


def test_one_bad_row_means_nothing_is_written_and_the_error_names_row_and_column():
    data = dataset(
        "slug,name,founded_on,dissolved_on\n"
        "good-trust,Good Trust,2001-02-03,\n"
        "bad-trust,Bad Trust,2010-01-01,2009-12-31\n"
    )
    result = OrganisationResource().import_data(data, collect_failed_rows=True)
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 3
    assert invalid.field_specific_errors == {
        "dissolved_on": ["The date dissolved 2009-12-31 is before the date founded 2010-01-01."]
    }
    assert invalid.values == ("bad-trust", "Bad Trust", "2010-01-01", "2009-12-31")
    assert result.failed_dataset.dict[0]["slug"] == "bad-trust"
    assert result.totals["invalid"] == 1
    assert not Organisation.objects.exists()


def test_a_file_level_problem_is_a_base_error_or_raised_when_asked():
    data = dataset("slug,colour\nexample-trust,blue\n")
    result = OrganisationResource().import_data(data)
    assert result.has_errors()
    message = str(result.base_errors[0].error)
    assert "name" in message
    with pytest.raises(ValueError, match="name"):
        OrganisationResource().import_data(data, raise_errors=True)
    assert not Organisation.objects.exists()


def test_memberships_are_matched_by_slugs_and_dates_never_ids():
    OrganisationFactory(slug="nacro", name="Nacro")
    ConsortiumFactory(slug="mental-health-consortia", name="Mental Health Consortia")
    data = dataset("organisation,consortium,role,start_date\nnacro,mental-health-consortia,member,2019-04-01\n")
    assert MembershipResource().import_data(data).totals["new"] == 1
    again = MembershipResource().import_data(data)
    assert (again.totals["new"], again.totals["skip"]) == (0, 1)
    assert Membership.objects.get().organisation.slug == "nacro"


def test_export_is_spreadsheet_safe_and_imports_back_unchanged():
    OrganisationFactory(slug="risky", name='=HYPERLINK("http://example.com")', short_name="+44")
    exported = OrganisationResource().export()
    row = exported.dict[0]
    assert row["name"] == '\'=HYPERLINK("http://example.com")'
    assert row["short_name"] == "'+44"
    again = OrganisationResource().import_data(tablib.Dataset().load(exported.export("csv"), format="csv"))
    assert (again.totals["skip"], again.totals["update"], again.totals["new"]) == (1, 0, 0)


@pytest.mark.parametrize("kind", ORDER)
def test_the_example_files_load_through_the_resources(seed, kind):
    for earlier in ORDER[: ORDER.index(kind)]:
        RESOURCES[earlier]().import_data(dataset((EXAMPLES / f"{earlier}.csv").read_text(encoding="utf-8")))
    text = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8")
    result = RESOURCES[kind]().import_data(dataset(text))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert result.totals["new"] == len(dataset(text)) > 0


def test_dates_and_booleans_from_a_spreadsheet_dataset_are_read_as_typed():
    """Datasets loaded from .xlsx carry datetimes at midnight and booleans, not text."""
    import datetime

    data = tablib.Dataset(
        # A spreadsheet's datetime carries no time zone.
        ("example-trust", "Example Trust", datetime.datetime(2001, 2, 3), False),  # noqa: DTZ001
        headers=["slug", "name", "founded_on", "is_public"],
    )
    result = OrganisationResource().import_data(data)
    assert not result.has_validation_errors(), result.invalid_rows
    organisation = Organisation.objects.get(slug="example-trust")
    assert (organisation.founded_on, organisation.is_public) == (datetime.date(2001, 2, 3), False)
