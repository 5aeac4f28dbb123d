"""History is complete (issue 10, item 11): a change made inline shows on the parent's history page with
what changed, and the seed's first entries say what they were."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from consortia.models import Consortium, JointOutput, Membership
from csvio.management.commands.load_seed import SEED_REASON, SEED_UPDATE_REASON, tracked_models
from directory.models import Contact, Organisation
from tests.admin_forms import admin_form_data


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def history_rows(client, instance) -> list[str]:
    """The history table's rows as plain text, one string each, newest first."""
    response = client.get(admin_url(type(instance), "history", instance.pk))
    assert response.status_code == 200
    table = response.content.decode().split('<table id="change-history"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]  # the first is the heading row
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).replace("&nbsp;", " ").replace("&rarr;", "→").split()) for row in rows
    ]


def post_change_page(client, instance, change):
    """Open the admin change page, change what `change` changes in the form's data, and save it."""
    page = client.get(admin_url(type(instance), "change", instance.pk))
    data = admin_form_data(page)
    change(data)
    response = client.post(admin_url(type(instance), "change", instance.pk), data)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
    ]
    return data


def inline_index(data: dict, prefix: str, pk: int) -> int:
    return next(
        int(key.split("-")[1])
        for key, value in data.items()
        if key.endswith("-id") and key.startswith(prefix) and value == str(pk)
    )


@pytest.fixture
def nacro(seed):
    return Organisation.objects.get(slug="nacro")


def test_inline_membership_end_date_shows_on_the_organisation_history(nacro, coordinator, coordinator_client):
    membership = Membership.objects.get(organisation=nacro, consortium__slug="mental-health-consortia")
    membership.end_date = datetime.date(2030, 3, 31)
    membership.save()

    def end_earlier(data):
        index = inline_index(data, "memberships-", membership.pk)
        data[f"memberships-{index}-end_date"] = "2029-12-31"

    post_change_page(coordinator_client, nacro, end_earlier)

    newest = history_rows(coordinator_client, nacro)[0]
    assert newest.startswith("Membership: Nacro — partner of Mental Health Consortia")
    assert "Changed" in newest
    assert "coord" in newest
    assert "End date: 2030-03-31 → 2029-12-31" in newest
    # The consortium's page, where the same row is also edited inline, tells the same story.
    consortium_rows = history_rows(coordinator_client, membership.consortium)
    assert any("End date: 2030-03-31 → 2029-12-31" in row for row in consortium_rows)


def test_other_name_identifier_and_contact_edits_show_on_the_organisation_history(seed, coordinator_client):
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    dania = Contact.objects.get(organisation=amhp, name="Dania Hanif")

    def edit(data):
        index = inline_index(data, "contacts-", dania.pk)
        data[f"contacts-{index}-job_title"] = "Head of Policy"
        names = int(data["other_names-TOTAL_FORMS"])
        data.update(
            {
                "other_names-TOTAL_FORMS": str(names + 1),
                f"other_names-{names}-name": "Mental Health Providers Forum",
                f"other_names-{names}-kind": "former",
                f"other_names-{names}-end_date": "2015-06-30",
            }
        )
        identifiers = int(data["identifiers-TOTAL_FORMS"])
        data.update(
            {
                "identifiers-TOTAL_FORMS": str(identifiers + 1),
                f"identifiers-{identifiers}-scheme": "GB-COH",
                f"identifiers-{identifiers}-value": "01234567",
            }
        )

    post_change_page(coordinator_client, amhp, edit)

    rows = history_rows(coordinator_client, amhp)
    contact = next(row for row in rows if row.startswith("Contact: Dania Hanif"))
    assert "Job title: Policy and Communications Lead → Head of Policy" in contact
    other_name = next(row for row in rows if row.startswith("Other name: Mental Health Providers Forum"))
    assert "Created" in other_name
    assert "Kind: Former name" in other_name
    assert "End date: 2015-06-30" in other_name
    identifier = next(row for row in rows if row.startswith("Identifier: GB-COH-01234567"))
    assert "Created" in identifier


def test_an_inline_row_deleted_shows_on_the_parent_history(seed, coordinator_client):
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    kathy = Contact.objects.get(organisation=amhp, name="Kathy Roberts")

    def delete_kathy(data):
        data[f"contacts-{inline_index(data, 'contacts-', kathy.pk)}-DELETE"] = "on"

    post_change_page(coordinator_client, amhp, delete_kathy)

    newest = history_rows(coordinator_client, amhp)[0]
    assert newest.startswith("Contact: Kathy Roberts")
    assert "Deleted" in newest


def test_output_contributor_changes_show_on_the_output_history(seed, coordinator_client):
    output = JointOutput.objects.get()
    contributor = output.contributors.order_by("order").first()

    def promote(data):
        data[f"contributors-{inline_index(data, 'contributors-', contributor.pk)}-role"] = "endorser"

    post_change_page(coordinator_client, output, promote)

    newest = history_rows(coordinator_client, output)[0]
    assert newest.startswith("Contributor:")
    assert "→ Endorser" in newest


def test_the_seed_history_reads_created_from_the_seed(nacro, coordinator_client):
    rows = history_rows(coordinator_client, nacro)
    own = [row for row in rows if row.startswith("Nacro ")]
    assert len(own) == 1
    assert "Created" in own[0]
    assert "Loaded from the seed data" in own[0]
    assert "Themes: Criminal justice" in own[0]  # the many-to-many values it was loaded with
    assert "None" not in " ".join(rows)
    assert "Changed" not in " ".join(rows)


def test_every_seed_record_has_one_created_entry_with_the_reason(seed):
    for model in tracked_models():
        for instance in model._default_manager.all():
            entries = list(instance.history.values_list("history_type", "history_change_reason"))
            assert entries == [("+", SEED_REASON)], (model, instance, entries)


def test_loading_the_seed_again_writes_no_history(seed):
    before = {model: model.history.count() for model in tracked_models()}
    call_command("load_seed", verbosity=0)
    assert {model: model.history.count() for model in tracked_models()} == before


def test_loading_the_seed_again_over_a_change_says_the_seed_put_it_back(nacro):
    nacro.themes.clear()
    call_command("load_seed", verbosity=0)
    newest = nacro.history.first()
    assert (newest.history_type, newest.history_change_reason) == ("~", SEED_UPDATE_REASON)
    assert [row.theme.slug for row in newest.themes.all()] == ["criminal-justice"]


def test_history_page_reads_a_page_of_entries_in_the_same_queries_however_long_the_history(
    seed, coordinator_client, django_assert_num_queries
):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    membership = consortium.memberships.first()
    url = admin_url(Consortium, "history", consortium.pk)
    coordinator_client.get(url)  # the session and permissions, cached for the counted requests

    def change_end_date(times):
        for day in range(times):
            membership.end_date = datetime.date(2030, 1, 1) + datetime.timedelta(days=day)
            membership.save()

    change_end_date(3)
    # session, user, consortium, count, page, then for each source on the page (consortium, memberships):
    # its records and their previous records, the themes snapshots of the consortium's, the user's content type
    with django_assert_num_queries(11):
        assert coordinator_client.get(url).status_code == 200
    change_end_date(50)
    with django_assert_num_queries(11):
        page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "2030-02-18 → 2030-02-19" in " ".join(history_rows(coordinator_client, consortium))


def test_history_of_a_malformed_id_is_not_found(seed, coordinator_client):
    assert coordinator_client.get("/admin/directory/organisation/not-a-number/history/").status_code == 404
