"""Import, export and reports in the admin: Coordinators may, Members may not."""

import io
import re

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
    assert errors["Content-Disposition"] == 'attachment; filename="organisations-problems.csv"'
    lines = b"".join(errors.streaming_content).decode().removeprefix("\ufeff").splitlines()
    assert lines[0] == "row,problems,slug,name,founded_on"
    assert lines[1].startswith("2,founded_on: ")
    assert lines[1].endswith(",bad-date,Bad Date,31/02/2020")


def test_the_problems_download_repeats_each_refused_rows_own_cells(coordinator_client):
    """A coordinator can correct the file from the download alone (issue 10, item 5)."""
    import csv

    text = (
        "Name,Slug,Founded On,Regions\r\n"
        "Good Charity,good-charity,2001-01-01,wales\r\n"
        "Bad Date,bad-date,31/02/2020,wales\r\n"
        '"Two, Problems",two-problems,not a date,atlantis\r\n'
    )
    response = upload(coordinator_client, text)
    body = b"".join(coordinator_client.get(response.context["errors_url"]).streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert header == ["row", "problems", "Name", "Slug", "Founded On", "Regions"], "the file's own headings"
    assert [row[0] for row in rows] == ["3", "4"], "only the refused rows, in file order"
    assert rows[0][2:] == ["Bad Date", "bad-date", "31/02/2020", "wales"]
    assert rows[1][2:] == ["Two, Problems", "two-problems", "not a date", "atlantis"]
    assert rows[1][1].count("\n") == 1, "both of the row's problems, one per line"
    assert "founded_on" in rows[1][1] and "regions" in rows[1][1]


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


# -- the import page: a template, the column reference, the new records' cells, Cancel (issue 10, item 5) -----

KIND_LISTS = {
    "organisations": "admin:directory_organisation",
    "contacts": "admin:directory_contact",
    "relationships": "admin:directory_organisationrelationship",
    "consortia": "admin:consortia_consortium",
    "memberships": "admin:consortia_membership",
    "outputs": "admin:consortia_jointoutput",
    "contributors": "admin:consortia_outputcontributor",
}


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("kind", sorted(KIND_LISTS))
def test_the_template_has_every_declared_column_and_one_example_row(coordinator_client, kind):
    import csv

    from csvio.kinds import IMPORTERS

    response = coordinator_client.get(reverse(f"{KIND_LISTS[kind]}_import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-template.csv"'
    body = streamed(response)
    assert body.startswith("\ufeff"), "a byte-order mark, so that Excel reads the file as UTF-8"
    header, *rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert header == [column.name for column in IMPORTERS[kind].columns]
    assert len(rows) == 1
    example = dict(zip(header, rows[0], strict=True))
    for column in IMPORTERS[kind].columns:
        if column.required:
            assert example[column.name], f"the example row fills the required column {column.name}"


def test_a_column_the_kind_declares_is_in_the_template_at_once(coordinator_client, monkeypatch):
    """The template is built from the kind's columns, not kept as a copy that could fall behind."""
    from csvio.engine import Column
    from csvio.kinds import IMPORTERS

    columns = [*IMPORTERS["memberships"].columns, Column("funding_stream", str, example="Lottery")]
    monkeypatch.setattr(IMPORTERS["memberships"], "columns", columns)
    body = streamed(coordinator_client.get(reverse("admin:consortia_membership_import_template")))
    header, example = body.removeprefix("\ufeff").splitlines()
    assert header.endswith(",funding_stream")
    assert example.endswith(",Lottery")


def test_the_organisations_template_checks_cleanly_once_its_themes_exist(seed, coordinator_client):
    body = streamed(coordinator_client.get(reverse("admin:directory_organisation_import_template")))
    response = upload(coordinator_client, body.removeprefix("\ufeff"), name="organisations-template.csv")
    assert response.context["report"].errors == []
    assert 'id="count-new">1<' in response.content.decode()


@pytest.mark.parametrize("kind", sorted(KIND_LISTS))
def test_the_column_reference_says_what_every_column_holds(coordinator_client, kind):
    from csvio.kinds import IMPORTERS

    upload_page = coordinator_client.get(reverse(f"{KIND_LISTS[kind]}_import_csv")).content.decode()
    url = reverse(f"{KIND_LISTS[kind]}_import_columns")
    assert f'href="{url}"' in upload_page
    assert f'href="{reverse(f"{KIND_LISTS[kind]}_import_template")}"' in upload_page

    response = coordinator_client.get(url)
    assert response.status_code == 200
    for column in response.context["reference"]:
        assert str(column["holds"]).strip(), f"{kind}: nothing says what “{column['name']}” holds"
    assert [column["name"] for column in response.context["reference"]] == [c.name for c in IMPORTERS[kind].columns]
    page = response.content.decode()
    for column in IMPORTERS[kind].columns:
        if column.required:
            assert f"<strong><code>{column.name}</code></strong> (required)" in page
    assert "What a file may look like" in page
    assert "YYYY-MM-DD" in page


def test_the_column_reference_renders_the_documentation_as_text_not_markup(coordinator_client):
    page = coordinator_client.get(reverse("admin:directory_organisation_import_columns")).content.decode()
    assert "<code>https://</code>" in page  # `https://` in docs/csv.md
    assert "`" not in page.split('class="csv-reference"')[1].split("</table>")[0]


def test_members_get_neither_the_template_nor_the_reference(member_client):
    assert member_client.get(reverse("admin:directory_organisation_import_template")).status_code == 403
    assert member_client.get(reverse("admin:directory_organisation_import_columns")).status_code == 403


def test_the_preview_shows_the_cells_of_each_new_record(seed, coordinator_client):
    text = (
        "slug,name,short_name,identifiers,themes,regions,description\n"
        "new-charity,New Charity,NC,GB-CHC-1234567,mental-health,wales;london,\n"
        "other-charity,Other Charity,,,criminal-justice,,Works across Cymru.\n"
    )
    response = upload(coordinator_client, text)
    page = response.content.decode()
    table = page.split('class="csv-new"')[1].split("</table>")[0]
    headings = re.findall(r"<th scope=\"col\">(.*?)</th>", table.split("</thead>")[0])
    assert headings == ["Row", "slug", "name", "short_name", "description", "identifiers", "themes", "regions"]
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 2
    assert "<td>New Charity</td><td>NC</td><td></td><td>GB-CHC-1234567</td>" in rows[0]
    assert "london;wales" in rows[0]
    assert "<td>Other Charity</td><td></td><td>Works across Cymru.</td><td></td><td>criminal-justice</td>" in rows[1]


def test_cancel_discards_the_upload_and_returns_to_the_list(coordinator_client, tmp_path):
    response = upload(coordinator_client, GOOD)
    token = response.context["token"]
    page = response.content.decode()
    cancel_url = reverse("admin:directory_organisation_import_cancel", args=[token])
    assert f'formaction="{cancel_url}"' in page and ">Cancel</button>" in page
    assert list(tmp_path.glob("*.csv"))

    cancelled = coordinator_client.post(cancel_url, follow=True)
    assert cancelled.redirect_chain == [(reverse("admin:directory_organisation_changelist"), 302)]
    assert "Import cancelled: nothing was written" in cancelled.content.decode()
    assert not list(tmp_path.glob("*.csv")), "the uploaded file is deleted"
    assert not Organisation.objects.filter(slug="new-charity").exists()
    # The cancelled upload can no longer be confirmed.
    confirmed = coordinator_client.post(reverse("admin:directory_organisation_import_csv"), {"token": token})
    assert confirmed.status_code == 404
    assert not Organisation.objects.filter(slug="new-charity").exists()


def test_cancel_is_offered_beside_the_problems_too(coordinator_client, tmp_path):
    response = upload(coordinator_client, "slug,name,founded_on\nbad-date,Bad Date,31/02/2020\n")
    cancel_url = reverse("admin:directory_organisation_import_cancel", args=[response.context["token"]])
    assert f'action="{cancel_url}"' in response.content.decode()
    assert coordinator_client.post(cancel_url).status_code == 302
    assert not list(tmp_path.glob("*.csv"))


def test_cancel_needs_a_post_and_the_import_permission(coordinator_client, member):
    from django.test import Client

    response = upload(coordinator_client, GOOD)
    token = response.context["token"]
    cancel_url = reverse("admin:directory_organisation_import_cancel", args=[token])
    member_client = Client()
    member_client.force_login(member)
    assert member_client.post(cancel_url).status_code == 403
    assert coordinator_client.get(cancel_url).status_code == 302  # a link followed by accident cancels nothing
    confirmed = coordinator_client.post(reverse("admin:directory_organisation_import_csv"), {"token": token})
    assert confirmed.status_code == 302
    assert Organisation.objects.filter(slug="new-charity").exists()


def test_the_preview_puts_a_change_of_visibility_first(coordinator_client):
    """Showing a hidden organisation to everyone is asked about before the import, not buried in the changes."""
    OrganisationFactory(slug="quiet-charity", name="Quiet Charity", is_public=False)
    page = upload(coordinator_client, "slug,name,is_public\nquiet-charity,Quiet Charity,true\n").content.decode()
    attention = page.split('class="csv-attention"')[1].split("</ul>")[0]
    assert "Row 2" in attention and "Quiet Charity" in attention
    assert "shows it to everyone" in attention
    assert page.index("Check these before you import") < page.index("What will change")
