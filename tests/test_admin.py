"""Every admin page works for a coordinator; members can look but not touch; anonymous must log in."""

import pytest
from django.contrib import admin
from django.urls import reverse

from consortia.models import Membership
from directory.models import Organisation

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"directory", "consortia"}),
    key=lambda model: model._meta.label,
)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_coordinator_opens_every_changelist_add_and_change_page(seed, coordinator_client, model):
    assert coordinator_client.get(admin_url(model, "changelist")).status_code == 200
    assert coordinator_client.get(admin_url(model, "add")).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        assert coordinator_client.get(admin_url(model, "change", instance.pk)).status_code == 200
        assert coordinator_client.get(admin_url(model, "history", instance.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_member_can_view_but_not_change(seed, member_client, model):
    assert member_client.get(admin_url(model, "changelist")).status_code == 200
    assert member_client.get(admin_url(model, "add")).status_code == 403
    instance = model.objects.first()
    if instance is not None:
        page = member_client.get(admin_url(model, "change", instance.pk))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content


def test_member_cannot_post_a_change(seed, member_client):
    nacro = Organisation.objects.get(slug="nacro")
    response = member_client.post(admin_url(Organisation, "change", nacro.pk), {"name": "Changed"})
    assert response.status_code == 403
    nacro.refresh_from_db()
    assert nacro.name == "Nacro"


def test_anonymous_is_sent_to_log_in(seed, client):
    response = client.get(admin_url(Organisation, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_search_finds_former_consortium_name(seed, coordinator_client):
    from consortia.models import Consortium

    page = coordinator_client.get(admin_url(Consortium, "changelist"), {"q": "strategic partnership"})
    assert b"Health and Wellbeing Alliance" in page.content


def test_admin_search_finds_organisation_by_acronym(seed, coordinator_client):
    page = coordinator_client.get(admin_url(Organisation, "changelist"), {"q": "amhp"})
    assert b"Association of Mental Health Providers" in page.content
    assert b"Nacro" not in page.content


def test_current_member_filter_lists_the_consortium_partners(seed, coordinator_client):
    page = coordinator_client.get(
        admin_url(Organisation, "changelist"), {"current_member_of": "mental-health-consortia"}
    )
    assert page.context["cl"].result_count == 4


def test_coordinator_edits_are_recorded_with_who_did_it(seed, coordinator, coordinator_client):
    nacro = Organisation.objects.get(slug="nacro")
    data = {
        "name": "Nacro",
        "slug": "nacro",
        "short_name": "",
        "classification": "charity",
        "description": "Changed by a coordinator.",
        "is_public": "on",
        "website": "",
        "email": "",
        "phone": "",
        "member_count": "",
        "founded_on": "",
        "dissolved_on": "",
    }
    for prefix in ["other_names", "identifiers", "contacts", "memberships"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    existing = list(nacro.memberships.all())
    data["memberships-TOTAL_FORMS"] = str(len(existing))
    data["memberships-INITIAL_FORMS"] = str(len(existing))
    for index, membership in enumerate(existing):
        data.update(
            {
                f"memberships-{index}-id": str(membership.pk),
                f"memberships-{index}-organisation": str(nacro.pk),
                f"memberships-{index}-consortium": str(membership.consortium_id),
                f"memberships-{index}-role": membership.role,
            }
        )
    response = coordinator_client.post(admin_url(Organisation, "change", nacro.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    latest = nacro.history.latest()
    assert latest.description == "Changed by a coordinator."
    assert latest.history_user == coordinator
    assert latest.history_type == "~"


def test_admin_refuses_two_overlapping_memberships_typed_together(seed, coordinator_client):
    from consortia.models import Consortium

    consortium = Consortium.objects.get(slug="health-and-wellbeing-alliance")
    clinks = Organisation.objects.get(slug="clinks")
    data = {
        "name": consortium.name,
        "slug": consortium.slug,
        "short_name": "",
        "kind": "alliance",
        "description": "",
        "website": "",
        "is_public": "on",
        "other_names-TOTAL_FORMS": "0",
        "other_names-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "0",
    }
    for index, start in enumerate(["2020-01-01", "2020-06-01"]):
        data.update(
            {
                f"memberships-{index}-organisation": str(clinks.pk),
                f"memberships-{index}-role": "member",
                f"memberships-{index}-start_date": start,
            }
        )
    response = coordinator_client.post(admin_url(Consortium, "change", consortium.pk), data)
    assert response.status_code == 200
    assert "already holds this role in this consortium" in response.content.decode()
    assert not Membership.objects.filter(consortium=consortium).exists()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_loads_the_layout_stylesheet_last(seed, coordinator_client, model):
    """static/css/admin.css (no sideways scrolling at 1,024–1,280 px) must win over Django's own stylesheets."""
    page = coordinator_client.get(admin_url(model, "changelist")).content.decode()
    stylesheets = [line for line in page.splitlines() if 'rel="stylesheet"' in line]
    assert "/static/css/admin.css" in stylesheets[-1]


def test_the_organisation_list_shows_the_day_it_was_updated(seed, coordinator_client):
    from django.utils import timezone
    from django.utils.formats import date_format

    response = coordinator_client.get(admin_url(Organisation, "changelist"))
    page = response.content.decode()
    today = date_format(timezone.localdate())
    assert f'<td class="field-updated_on">{today}</td>' in page
    assert "a.m.</td>" not in page and "p.m.</td>" not in page
