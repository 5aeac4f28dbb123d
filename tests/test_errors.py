"""What people and scripts get when something goes wrong (config/errors.py)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def browser_client():
    # As a real server would: the fault becomes a response instead of reaching the test.
    return Client(raise_request_exception=False)


def database_down():
    """Every new cursor fails as it does while PostgreSQL restarts."""
    return mock.patch.object(
        BaseDatabaseWrapper,
        "_cursor",
        side_effect=OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/organisations/", "/consortia/", "/outputs/"])
def test_pages_answer_503_with_retry_after_while_the_database_is_down(browser_client, path):
    with database_down():
        response = browser_client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "will be back shortly" in response.content.decode()
    assert "Log out" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/organisations/", "/api/v1/consortia/?format=csv", "/api/v1/memberships/"])
def test_the_api_answers_503_as_json_while_the_database_is_down(browser_client, path):
    with database_down():
        response = browser_client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert "try again" in response.json()["detail"]


@pytest.mark.django_db
def test_a_page_that_fails_unexpectedly_shows_the_sites_500_page(browser_client):
    with mock.patch("web.views.OutputListView.get_context_data", side_effect=RuntimeError("boom")):
        response = browser_client.get("/outputs/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "boom" not in body


@pytest.mark.django_db
def test_an_api_fault_is_a_json_500(browser_client):
    with mock.patch("api.views.OrganisationViewSet.get_queryset", side_effect=RuntimeError("boom")):
        response = browser_client.get("/api/v1/organisations/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/organisations/nacro%0A/", "/api/v2/"])
def test_an_unknown_address_under_the_api_is_a_json_404(browser_client, path):
    response = browser_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is nothing at this address. The API root lists what there is."}


@pytest.mark.django_db
def test_an_unknown_page_is_the_sites_404_page(browser_client):
    response = browser_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_malformed_host_gets_the_sites_400_page(browser_client):
    response = browser_client.get("/", HTTP_HOST="bad host!")
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()
