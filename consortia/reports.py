"""Reporting exports: the quarterly numbers coordinators and funders ask for.

Each report is a function returning (header, rows) for ``stream_csv``; the
``report_csv`` command and the admin's report page both use them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from consortia.models import Consortium, Membership, OutputContributor, Role

PERIODS = ("quarter", "year", "month", "all")


def members_by_role(as_of: datetime.date, consortia=None):
    """For each consortium: how many organisations held each role on this date, and in all.

    consortia: an optional queryset to report on (for example the admin's filtered list).
    """
    roles = [value for value, _ in Role.choices]
    header = ["consortium", "consortium_name", "as_of", *roles, "total"]
    memberships = Membership.objects.as_of(as_of)
    if consortia is not None:
        memberships = memberships.filter(consortium__in=consortia)
    counts = defaultdict(dict)
    for slug, role, total in (
        memberships.values("consortium__slug", "role")
        .annotate(total=Count("organisation", distinct=True))
        .values_list("consortium__slug", "role", "total")
    ):
        counts[slug][role] = total
    totals = dict(
        memberships.values("consortium__slug")
        .annotate(total=Count("organisation", distinct=True))
        .values_list("consortium__slug", "total")
    )
    listed = Consortium.objects.all() if consortia is None else consortia
    listed = listed.as_of(as_of) if hasattr(listed, "as_of") else listed

    def rows():
        for slug, name in listed.order_by("name").values_list("slug", "name"):
            by_role = counts.get(slug, {})
            yield [slug, name, as_of, *[by_role.get(role, 0) for role in roles], totals.get(slug, 0)]

    return header, rows()


def _period_label(period: str, year: int, month: int) -> str:
    if period == "year":
        return str(year)
    if period == "month":
        return f"{year}-{month:02d}"
    return f"{year}-Q{(month - 1) // 3 + 1}"


def outputs_per_organisation(start: datetime.date | None, end: datetime.date | None, period: str = "quarter"):
    """For each organisation and period: joint outputs it contributed to, and how many it led.

    Outputs without a publication date are left out, since they belong to no period.
    """
    if period not in PERIODS:
        raise ValueError(f"Unknown period “{period}”: use one of {', '.join(PERIODS)}.")
    contributions = OutputContributor.objects.filter(output__published_on__isnull=False)
    if start:
        contributions = contributions.filter(output__published_on__gte=start)
    if end:
        contributions = contributions.filter(output__published_on__lte=end)
    header = ["organisation", "organisation_name", "period", "outputs", "as_lead", "first_published"]
    group = ["organisation__slug", "organisation__name"]
    if period != "all":
        contributions = contributions.annotate(
            year=ExtractYear("output__published_on"), month=ExtractMonth("output__published_on")
        )
        group += ["year"] if period == "year" else ["year", "month"]
    summary = (
        contributions.values(*group)
        .annotate(
            outputs=Count("output", distinct=True),
            as_lead=Count("output", filter=Q(role="lead"), distinct=True),
            first_published=Min("output__published_on"),
        )
        .order_by("organisation__name", *group[2:])
    )

    def rows():
        if period in ("all", "year", "month"):
            for item in summary:
                if period == "all":
                    label = f"{start or ''}/{end or ''}"
                else:
                    label = _period_label(period, item["year"], item.get("month", 1))
                yield [
                    item["organisation__slug"],
                    item["organisation__name"],
                    label,
                    item["outputs"],
                    item["as_lead"],
                    item["first_published"],
                ]
            return
        # Quarters: months grouped in the database, folded into quarters here.
        merged: dict[tuple, list] = {}
        for item in summary:
            key = (item["organisation__name"], item["organisation__slug"], item["year"], (item["month"] - 1) // 3)
            if key not in merged:
                merged[key] = [0, 0, item["first_published"]]
            merged[key][0] += item["outputs"]
            merged[key][1] += item["as_lead"]
            merged[key][2] = min(merged[key][2], item["first_published"])
        for (name, slug, year, quarter), (outputs, led, first) in sorted(merged.items()):
            yield [slug, name, f"{year}-Q{quarter + 1}", outputs, led, first]

    return header, rows()


REPORTS = {
    "members-by-role": "Members of each consortium by role, as of a date",
    "outputs-per-organisation": "Joint outputs per organisation per period",
}
