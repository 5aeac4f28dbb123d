from django import template
from django.utils.formats import date_format

from web.roles import by_consortium as group_by_consortium
from web.roles import period_text

register = template.Library()

REGIONS_SHOWN = 4


@register.simple_tag
def regions_summary(regions) -> str:
    """Short list of areas served: a national body serving ten regions should not fill the card."""
    names = [region.name for region in regions]
    if len(names) <= REGIONS_SHOWN:
        return ", ".join(names)
    shown = ", ".join(names[: REGIONS_SHOWN - 1])
    return f"{shown} and {len(names) - REGIONS_SHOWN + 1} more"


@register.simple_tag
def facet_groups(facets, on=None):
    """(query key, legend, values, input type) for each facet, in the order shown; `on`: the members' date."""
    members = f"members on {date_format(on, 'j F Y')}" if on else "current members"
    return [
        ("theme", "Theme", facets["theme"], "checkbox"),
        ("region", "Area served", facets["region"], "checkbox"),
        ("classification", "Kind of organisation", facets["classification"], "radio"),
        ("consortium", f"Consortium ({members})", facets["consortium"], "checkbox"),
    ]


@register.filter
def period(membership) -> str:
    """A membership's dates as a sentence ends: 'from 1 April 2020 until 31 March 2023'; '(dates not recorded)'."""
    return period_text(membership) or "(dates not recorded)"


@register.filter
def by_consortium(memberships):
    """One entry per consortium with all the organisation's roles in it: 'Mental Health Consortia (lead, partner)'."""
    return group_by_consortium(memberships)
