"""Import, export and reports in the admin: Coordinators may, Members may not."""

import io

import pytest
from django.urls import reverse

from directory.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = "slug,name,identifiers\nnew-charity,New Charity,GB-CHC-1234567\n"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    """Uploads wait for confirmation in a folder of the test's own."""
    settings.CSV_IMPORT_UPLOAD_DIR = str(tmp_path)


def upload(client, text: str, name: str = "organisations.csv", **extra):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return client.post(reverse("admin:directory_organisation_import_csv"), {"file": file, **extra})


@pytest.mark.parametrize(
    "url_name",
    ["admin:directory_organisation_import_csv", "admin:directory_organisation_export_csv"],
)
def test_a_member_can_neither_import_nor_export(member_client, url_name):
    assert member_client.get(reverse(url_name)).status_code == 403


def test_a_member_does_not_see_the_import_and_export_links(member_client):
    page = member_client.get(reverse("admin:directory_organisation_changelist")).content.decode()
    assert "Import CSV" not in page
    assert "Export CSV" not in page


def test_a_member_cannot_post_an_import(member_client):
    response = upload(member_client, GOOD)
    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="new-charity").exists()


def test_a_coordinator_sees_the_links(coordinator_client):
    page = coordinator_client.get(reverse("admin:directory_organisation_changelist")).content.decode()
    assert "Import CSV" in page
    assert "Export CSV" in page


def test_preview_shows_counts_and_writes_nothing_until_confirmed(coordinator_client, coordinator, tmp_path):
    OrganisationFactory(slug="old-charity", name="Old Charity")
    text = GOOD + "old-charity,Old Charity Renamed,\n"
    response = upload(coordinator_client, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="count-new">1<' in page
    assert 'id="count-changed">1<' in page
    assert "Old Charity Renamed" in page
    assert not Organisation.objects.filter(slug="new-charity").exists()

    token = response.context["token"]
    confirmed = coordinator_client.post(reverse("admin:directory_organisation_import_csv"), {"token": token})
    assert confirmed.status_code == 302
    assert not list(tmp_path.glob("*.csv")), "the confirmed upload is removed"
    created = Organisation.objects.get(slug="new-charity")
    assert created.identifiers.get().org_id == "GB-CHC-1234567"
    record = created.history.get()
    assert record.history_user == coordinator
    assert record.history_change_reason == "CSV import: organisations.csv"
    assert Organisation.objects.get(slug="old-charity").name == "Old Charity Renamed"


def test_a_bad_file_lists_problems_and_offers_them_as_csv(coordinator_client):
    response = upload(coordinator_client, "slug,name,founded_on\nbad-date,Bad Date,31/02/2020\n")
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "is not a real date" in page
    assert "Import 0" not in page and 'name="token"' not in page.split("Problems")[1]
    errors = coordinator_client.get(response.context["errors_url"])
    body = b"".join(errors.streaming_content).decode()
    assert body.splitlines()[0] == "row,column,message"
    assert body.splitlines()[1].startswith("2,founded_on,")


def test_export_follows_the_filtered_list(coordinator_client):
    OrganisationFactory(slug="kept", name="Kept", classification="charity")
    OrganisationFactory(slug="left-out", name="Left Out", classification="company")
    url = reverse("admin:directory_organisation_export_csv") + "?classification__exact=charity"
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "kept,Kept" in body
    assert "left-out" not in body


def test_members_by_role_report_downloads(coordinator_client, seed):
    url = reverse("admin:consortia_consortium_report", args=["members-by-role"]) + "?as_of=2024-01-01&download=1"
    body = b"".join(coordinator_client.get(url).streaming_content).decode()
    assert body.splitlines()[0].startswith("consortium,consortium_name,as_of,lead,partner")


def test_the_upload_page_lists_the_columns(coordinator_client):
    page = coordinator_client.get(reverse("admin:consortia_membership_import_csv"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Required: <code>organisation, consortium, role</code>" in text
    assert 'type="file"' in text


def test_each_kind_has_its_own_csv_admin_on_top_of_its_apps_admin():
    from django.contrib import admin

    import consortia.admin
    from csvio.admin import CSV_ADMINS, CsvImportExportMixin, OrganisationCsvAdmin
    from csvio.kinds import IMPORTERS

    assert sorted(csv_admin.csv_kind for _model, csv_admin in CSV_ADMINS) == sorted(IMPORTERS)
    for model, csv_admin in CSV_ADMINS:
        registered = admin.site.get_model_admin(model)
        assert type(registered) is csv_admin
        assert isinstance(registered, CsvImportExportMixin)
        assert IMPORTERS[csv_admin.csv_kind].model is model
    # The organisation admin keeps the memberships that consortia/admin.py adds to it.
    assert issubclass(OrganisationCsvAdmin, consortia.admin.OrganisationWithMembershipsAdmin)
    assert consortia.admin.OrganisationMembershipInline in admin.site.get_model_admin(Organisation).inlines


def test_a_csv_admin_that_no_longer_extends_the_registered_class_stops_loudly():
    from django.contrib import admin
    from django.core.exceptions import ImproperlyConfigured

    import directory.admin
    from csvio.admin import register_csv_admins

    site = admin.AdminSite(name="elsewhere")
    site.register(Organisation, directory.admin.OrganisationAdmin)  # not the class consortia registers
    with pytest.raises(ImproperlyConfigured, match="OrganisationWithMembershipsAdmin"):
        register_csv_admins(site)
