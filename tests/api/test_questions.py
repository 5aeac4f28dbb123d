"""The three questions of issue 3, each answered by one request."""

import datetime

from tests.factories import ContributorFactory, JointOutputFactory, OrganisationFactory, ThemeFactory, region


def test_current_partners_of_the_mental_health_consortia(seed, api):
    response = api.get("/api/v1/organisations/", {"consortium": "mental-health-consortia", "role": "partner"})
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert names == {"Nacro", "Clinks", "Association of Mental Health Providers", "Mental Health Foundation"}


def test_organisations_working_on_race_equality_in_wales(seed, api):
    race = ThemeFactory(slug="race-equality")
    OrganisationFactory(name="Cymru Race Forum", themes=[race], regions=[region("wales")])
    OrganisationFactory(name="London Race Forum", themes=[race], regions=[region("london")])
    response = api.get("/api/v1/organisations/", {"theme": "race-equality", "region": "wales"})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Cymru Race Forum"]


def test_what_clinks_co_published_since_2020(seed, api):
    from directory.models import Organisation

    clinks = Organisation.objects.get(slug="clinks")
    old = JointOutputFactory(title="Old report", published_on=datetime.date(2018, 5, 1))
    new = JointOutputFactory(title="New report", published_on=datetime.date(2021, 5, 1))
    other = JointOutputFactory(title="Someone else's report", published_on=datetime.date(2022, 5, 1))
    for output in (old, new):
        ContributorFactory(output=output, organisation=clinks)
    ContributorFactory(output=other)
    response = api.get("/api/v1/outputs/", {"contributor": "clinks", "published_after": "2020-01-01"})
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["New report"]
