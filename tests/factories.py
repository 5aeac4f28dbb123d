"""factory_boy factories for every model; conftest.py wraps the common ones as fixtures."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from consortia.models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor
from directory.models import (
    Contact,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
    OrganisationRelationship,
    Region,
    RelationshipType,
    Theme,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.save()


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


def region(slug: str) -> Region:
    """Regions are reference data loaded by a migration; fetch, never create."""
    return Region.objects.get(slug=slug)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Example Organisation {n}")
    slug = factory.Sequence(lambda n: f"example-organisation-{n}")
    classification = "charity"
    description = "A synthetic organisation made by the test suite."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.add(*extracted)


class OrganisationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationName

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Former Name {n}")
    kind = "former"


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = "GB-CHC"
    value = factory.Sequence(lambda n: f"{1100000 + n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    job_title = "Policy Officer"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = "+442079460000"
    is_public = False


class RelationshipTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelationshipType
        django_get_or_create = ("slug",)

    name = "Partner of"
    slug = "partner-of"
    forward_label = "is a partner of"
    reverse_label = "is a partner of"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRelationship

    subject = factory.SubFactory(OrganisationFactory)
    type = factory.SubFactory(RelationshipTypeFactory)
    object = factory.SubFactory(OrganisationFactory)


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"Example Consortium {n}")
    slug = factory.Sequence(lambda n: f"example-consortium-{n}")
    kind = "consortium"


class ConsortiumNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsortiumName

    consortium = factory.SubFactory(ConsortiumFactory)
    name = factory.Sequence(lambda n: f"Former Programme {n}")
    kind = "former"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    role = "member"


class JointOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointOutput

    title = factory.Sequence(lambda n: f"Example Briefing {n}")
    slug = factory.Sequence(lambda n: f"example-briefing-{n}")
    kind = "briefing"
    summary = "A synthetic briefing."


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutputContributor

    output = factory.SubFactory(JointOutputFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "co-author"
