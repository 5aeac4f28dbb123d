from django import template
from django.utils.formats import date_format

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
