import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch):
    """Throttle counts live in the cache and would carry over between tests; switch them off.

    DRF reads the rates once, at import, into SimpleRateThrottle.THROTTLE_RATES;
    test_throttling sets its own low rates the same way.
    """
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "token": None})
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def member_api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.fixture
def coordinator_api(coordinator):
    """A coordinator's script: token authentication, as the README describes."""
    token, _ = Token.objects.get_or_create(user=coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
