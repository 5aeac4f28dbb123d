"""Memberships are history: closed with an end date, deleted only when entered in error,
and a consortium that has memberships cannot be deleted (docs/architecture.md, "Writes")."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from consortia.models import Consortium, Membership
from tests.factories import ConsortiumFactory, ConsortiumNameFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_api_client(coordinator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=coordinator).key}")
    return client


def test_a_consortium_with_memberships_cannot_be_deleted():
    consortium = MembershipFactory().consortium
    with pytest.raises(ProtectedError):
        consortium.delete()
    assert Membership.objects.filter(consortium=consortium).exists()


def test_a_consortium_without_memberships_can_be_deleted_with_its_names():
    consortium = ConsortiumFactory()
    ConsortiumNameFactory(consortium=consortium)
    consortium.delete()
    assert not Consortium.objects.filter(pk=consortium.pk).exists()


def test_the_api_answers_409_for_a_consortium_with_memberships(coordinator_api_client):
    consortium = MembershipFactory().consortium
    response = coordinator_api_client.delete(f"/api/v1/consortia/{consortium.slug}/")
    assert response.status_code == 409
    assert "memberships" in response.json()["detail"]
    assert Consortium.objects.filter(pk=consortium.pk).exists()


def test_the_admin_refuses_to_delete_a_consortium_with_memberships(coordinator_client):
    membership = MembershipFactory()
    consortium = membership.consortium
    url = reverse("admin:consortia_consortium_delete", args=[consortium.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Cannot delete consortium" in page
    assert "protected related objects" in page
    coordinator_client.post(url, {"post": "yes"})
    assert Consortium.objects.filter(pk=consortium.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_entered_in_error_can_be_deleted_and_history_keeps_it(coordinator, coordinator_api_client):
    membership = MembershipFactory()
    response = coordinator_api_client.delete(f"/api/v1/memberships/{membership.pk}/")
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deletion = Membership.history.filter(id=membership.pk).latest()
    assert (deletion.history_type, deletion.history_user) == ("-", coordinator)
    assert deletion.organisation_id == membership.organisation_id
