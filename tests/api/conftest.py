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


SECRET_NAME = "Zebedee Quillfeather"
SECRET_EMAIL = "zebedee.quillfeather@private.example.org"
SECRET_PHONE = "+442079461234"


@pytest.fixture
def world(seed):
    """The seed facts plus what the API must hide: a private organisation, consortium and contact.

    The private contact is everywhere an anonymous caller might stumble on
    it: at a public organisation, as the press contact of a public output.
    """
    import datetime

    from consortia.models import Consortium, JointOutput
    from directory.models import Contact, Organisation
    from tests.factories import (
        ConsortiumFactory,
        ConsortiumNameFactory,
        ContactFactory,
        ContributorFactory,
        IdentifierFactory,
        MembershipFactory,
        OrganisationFactory,
        OrganisationNameFactory,
        RelationshipFactory,
    )

    nacro = Organisation.objects.get(slug="nacro")
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    hidden_org = OrganisationFactory(name="Hidden Trust", slug="hidden-trust", is_public=False)
    hidden_consortium = ConsortiumFactory(name="Quiet Circle", slug="quiet-circle", is_public=False)
    mhc = Consortium.objects.get(slug="mental-health-consortia")
    MembershipFactory(organisation=hidden_org, consortium=mhc, role="partner")
    MembershipFactory(organisation=nacro, consortium=hidden_consortium, role="member")
    MembershipFactory(
        organisation=nacro,
        consortium=Consortium.objects.get(slug="health-and-wellbeing-alliance"),
        role="member",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    OrganisationNameFactory(
        organisation=nacro,
        name="National Association for the Care and Resettlement of Offenders",
        kind="former",
        end_date=datetime.date(1999, 12, 31),
    )
    IdentifierFactory(organisation=nacro, scheme="GB-CHC", value="226171")
    ConsortiumNameFactory(consortium=hidden_consortium, name="Hush Group")
    public_contact = ContactFactory(
        organisation=nacro, name="Polly Public", email="polly@nacro.example.org", is_public=True
    )
    secret = ContactFactory(
        organisation=nacro, name=SECRET_NAME, email=SECRET_EMAIL, phone=SECRET_PHONE, is_public=False
    )
    output = JointOutput.objects.get(slug="race-mental-health-and-criminal-justice-moving-forward")
    output.press_contact = secret
    output.save()
    ContributorFactory(output=output, organisation=hidden_org, role="endorser")
    RelationshipFactory(subject=nacro, object=amhp)
    RelationshipFactory(subject=hidden_org, object=nacro)
    Contact.objects.filter(name="Dania Hanif").update(is_public=False)
    return {
        "nacro": nacro,
        "hidden_org": hidden_org,
        "hidden_consortium": hidden_consortium,
        "secret": secret,
        "public_contact": public_contact,
        "output": output,
    }
