"""The shared date rules of directory/models/base.py, checked on their own (docs/architecture.md).

`in_force_on` (a condition for the database) and `period_contains` (its
twin for a record in memory) must agree on every boundary; `find_overlaps`
must find what comparing every pair finds; `parse_date_parameter` is the
one reader of a date a list is asked about.
"""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.models import OrganisationRelationship
from directory.models.base import (
    find_overlaps,
    in_force_on,
    overlapping_q,
    parse_date_parameter,
    period_contains,
)
from tests.factories import RelationshipFactory

DAY = datetime.timedelta(days=1)
START, END = datetime.date(2019, 4, 1), datetime.date(2020, 3, 31)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [(START, END), (None, END), (START, None), (None, None), (START, START)],
    ids=["both", "no start", "no end", "neither", "one day"],
)
def test_in_force_on_and_period_contains_agree_on_every_boundary(start, end):
    link = RelationshipFactory(start_date=start, end_date=end)
    for day in (START - DAY, START, START + DAY, END - DAY, END, END + DAY):
        in_database = OrganisationRelationship.objects.filter(in_force_on(day), pk=link.pk).exists()
        assert in_database == period_contains(start, end, day) == link.is_current_on(day), day
    # Inclusive at both ends, open where blank.
    assert period_contains(start, end, START) and period_contains(start, end, START if end is None else end)
    assert period_contains(start, end, START - DAY) == (start is None)
    assert period_contains(start, end, END + DAY) == (end is None or end > END)


@pytest.mark.django_db
def test_in_force_on_reads_through_a_relation_with_a_prefix():
    from consortia.models import Consortium
    from tests.factories import MembershipFactory

    member = MembershipFactory(start_date=START, end_date=END)

    def consortia_on(day):
        return list(Consortium.objects.filter(in_force_on(day, prefix="memberships")).values_list("pk", flat=True))

    assert consortia_on(START) == [member.consortium_id]
    assert consortia_on(END + DAY) == []


dates = st.one_of(st.none(), st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2000, 3, 1)))


def ordered(start, end):
    if start is not None and end is not None and end < start:
        return end, start
    return start, end


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(dates, dates), max_size=12))
def test_find_overlaps_names_every_period_that_clashes_with_another(periods):
    periods = [(*ordered(start, end), index) for index, (start, end) in enumerate(periods)]

    def share_a_day(a, b):
        return (a[0] is None or b[1] is None or a[0] <= b[1]) and (b[0] is None or a[1] is None or b[0] <= a[1])

    clashing = {item for a, b in itertools.combinations(periods, 2) if share_a_day(a, b) for item in (a[2], b[2])}
    found = find_overlaps(periods)

    by_item = {period[2]: period for period in periods}
    assert all(share_a_day(by_item[item], by_item[earlier]) for item, earlier in found)
    assert {item for pair in found for item in pair} == clashing


@pytest.mark.django_db
def test_overlapping_q_agrees_with_find_overlaps():
    existing = RelationshipFactory(start_date=START, end_date=END)
    for start, end in [(END, None), (END + DAY, None), (None, START - DAY), (None, START), (START + DAY, END - DAY)]:
        in_database = OrganisationRelationship.objects.filter(overlapping_q(start, end), pk=existing.pk).exists()
        assert in_database == bool(find_overlaps([(START, END, "old"), (start, end, "new")])), (start, end)


@pytest.mark.parametrize("text", ["2020-04-01", " 2020-04-01 ", "2020-04-01\n"])
def test_parse_date_parameter_reads_iso_8601(text):
    assert parse_date_parameter(text, "as_of") == datetime.date(2020, 4, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/04/2020", "is not a date"),  # the 1st of April to some, the 4th of January to others
        ("04/01/2020", "is not a date"),
        ("2020/04/01", "is not a date"),
        ("20200401", "is not a date"),
        ("2020-4-1", "is not a date"),
        ("2020-W14-3", "is not a date"),
        ("2020-04-01T00:00", "is not a date"),
        ("yesterday", "is not a date"),
        ("", "is not a date"),
        ("2020-02-30", "is not a real date"),
        ("2020-13-01", "is not a real date"),
    ],
)
@pytest.mark.parametrize("parameter", ["as_of", "on"])
def test_parse_date_parameter_refuses_anything_else_naming_the_parameter(text, message, parameter):
    with pytest.raises(ValidationError) as caught:
        parse_date_parameter(text, parameter)

    assert list(caught.value.message_dict) == [parameter]
    assert message in caught.value.message_dict[parameter][0]
