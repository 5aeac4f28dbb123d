"""The demo data carries exactly the seed facts listed in docs/architecture.md."""

import pytest
from django.core.management import call_command

from consortia.models import Consortium, JointOutput, Membership
from directory.models import Contact, Organisation
from search.documents import search_organisations


def test_seed_loads_the_five_organisations(seed):
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Association of Mental Health Providers",
        "Nacro",
        "Clinks",
        "Mental Health Foundation",
        "Race Equality Foundation",
    }


def test_amhp_leads_the_mental_health_consortia(seed):
    consortium = Consortium.objects.get(name="Mental Health Consortia")
    assert [o.short_name for o in consortium.leads] == ["AMHP"]


def test_the_consortia_sit_inside_the_health_and_wellbeing_alliance(seed):
    consortium = Consortium.objects.get(name="Mental Health Consortia")
    assert consortium.parent.name == "Health and Wellbeing Alliance"
    assert list(consortium.parent.other_names.values_list("name", "kind")) == [
        ("Strategic Partnership Programme", "former")
    ]


def test_four_partners_in_the_mental_health_consortia(seed):
    partners = Membership.objects.current().filter(consortium__slug="mental-health-consortia", role="partner")
    assert set(partners.values_list("organisation__name", flat=True)) == {
        "Nacro",
        "Clinks",
        "Association of Mental Health Providers",
        "Mental Health Foundation",
    }


def test_briefing_has_exactly_the_five_contributors(seed):
    briefing = JointOutput.objects.get(title="Race, mental health and criminal justice: moving forward")
    assert list(briefing.contributors.values_list("organisation__name", flat=True)) == [
        "Nacro",
        "Clinks",
        "Association of Mental Health Providers",
        "Mental Health Foundation",
        "Race Equality Foundation",
    ]
    assert briefing.consortium.name == "Mental Health Consortia"
    assert briefing.press_contact.name == "Dania Hanif"
    assert "40% more likely" in briefing.key_findings
    assert len(briefing.recommendations_list) == 3
    assert briefing.published_on is None  # the seed gives no date, so none is invented


def test_dania_hanifs_telephone_number(seed):
    dania = Contact.objects.get(name="Dania Hanif")
    assert dania.job_title == "Policy and Communications Lead"
    assert dania.organisation.short_name == "AMHP"
    assert dania.phone.as_e164 == "+442077667496"
    assert dania.phone.as_national == "020 7766 7496"
    assert Contact.objects.get(name="Kathy Roberts").job_title == "Chief Executive"


def test_clinks_has_500_members(seed):
    assert Organisation.objects.get(slug="clinks").member_count == 500


def test_seed_invents_no_identifiers_or_dates(seed):
    assert not Organisation.objects.filter(identifiers__isnull=False).exists()
    assert not Organisation.objects.exclude(founded_on=None).exists()
    assert not Membership.objects.exclude(start_date=None).exists()


@pytest.mark.django_db
def test_seed_loads_again_without_duplicating(seed):
    call_command("load_seed", verbosity=0)
    assert Organisation.objects.count() == 5
    assert Membership.objects.count() == 5
    assert Contact.objects.count() == 2
    assert JointOutput.objects.get().contributors.count() == 5


def test_seed_organisations_are_findable_by_acronym(seed):
    found = search_organisations(Organisation.objects.all(), "amhp").get()
    assert found.slug == "association-of-mental-health-providers"


def test_seed_records_start_their_history(seed):
    briefing = JointOutput.objects.get()
    assert briefing.contributors.get(organisation__slug="nacro").history.count() == 1
    assert Contact.objects.get(name="Dania Hanif").history.get().history_change_reason.startswith("Loaded from")
    assert Organisation.objects.get(slug="nacro").history.exists()
