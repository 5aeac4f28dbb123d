"""Facet counts for the results page, members per consortium, and the cache they share.

Every facet's counts and the total are read in one statement, so the matching
rows are found once. Who may see what, and which memberships are in force on
the date asked about, come from querysets compiled into that statement
(`visible_to`, `as_of`: docs/architecture.md); the listing brings the
organisations the viewer may see.

Counts are the costly part on a large directory (each aggregates every
matching row: 50–200 ms at 100,000 organisations), so they are cached for
WEB_FACET_CACHE_SECONDS (default 300) per viewer class, query, filters and
date. Any save or delete of an organisation, membership, consortium, theme or
output (signals, search/apps.py) starts a new cache generation; bulk writes
that send no signals show new counts within that time.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from directory.models.base import sees_everything

from .backends import backend
from .backends.base import Listing

FACET_LIMIT = 20
GENERATION_KEY = "web:directory-generation"


def new_generation(**kwargs) -> None:
    """Signal receiver: the directory changed, so cached counts start afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cached(parts: tuple, compute):
    """compute(), cached for WEB_FACET_CACHE_SECONDS under a key made of parts, today and the generation."""
    seconds = getattr(settings, "WEB_FACET_CACHE_SECONDS", 300)
    if not seconds:
        return compute()
    generation = cache.get_or_set(GENERATION_KEY, 1, None)
    key = "web:" + hashlib.sha256(repr((generation, timezone.localdate(), *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


FACETS_SQL = """
WITH matched (id, classification) AS ({matched}),
chosen AS (SELECT id FROM matched WHERE %s = '' OR classification = %s)
SELECT 'total', '', '', COUNT(*) FROM chosen
UNION ALL
SELECT 'theme', CAST(link.theme_id AS TEXT), '', COUNT(*)
    FROM {org_themes} link JOIN chosen ON chosen.id = link.organisation_id GROUP BY link.theme_id
UNION ALL
SELECT 'region', CAST(link.region_id AS TEXT), '', COUNT(*)
    FROM {org_regions} link JOIN chosen ON chosen.id = link.organisation_id GROUP BY link.region_id
UNION ALL
SELECT 'classification', classification, '', COUNT(*) FROM matched GROUP BY classification
"""
# Distinct (consortium, organisation) pairs, hashed: one organisation may hold two roles.
CHOSEN_MEMBERS_SQL = """
    SELECT pairs.consortium_id, COUNT(*) AS n
    FROM (
        SELECT DISTINCT m.consortium_id, m.organisation_id
        FROM ({memberships}) AS m JOIN chosen ON chosen.id = m.organisation_id
    ) AS pairs
    GROUP BY pairs.consortium_id
"""
TOP_CONSORTIA_SQL = """
UNION ALL
SELECT * FROM (
    SELECT 'consortium', c.slug, c.name, counted.n
    FROM ({member_counts}) AS counted
    JOIN ({consortia}) AS c ON c.id = counted.consortium_id
    ORDER BY counted.n DESC, c.name
    LIMIT {limit}
) AS top_consortia
"""


def members_on(on: datetime.date):
    """The memberships in force on a date (the rule: in_force_on, through DatedQuerySet.as_of)."""
    from consortia.models import Membership

    return Membership.objects.as_of(on)


def facet_counts(listing: Listing, classification: str, user, on: datetime.date) -> dict:
    """The total and every facet's counts for a listing, in one statement.

    The listing is the result set before the kind filter (so the kind facet
    can offer the other kinds); theme, area and consortium counts and the
    total use the rows of the chosen kind. Consortium counts are the members
    in force on `on`, among the consortia the user may see.
    """
    from consortia.models import Consortium
    from directory.models import Organisation

    quote = connection.ops.quote_name
    memberships = members_on(on)
    unfiltered = backend().unfiltered_facets_sql(user) if listing.everything and not classification else None
    if unfiltered:
        sql, params = unfiltered
        member_sql, member_params = backend().member_counts_sql(memberships, user)
    else:
        matched, matched_params = listing.matched_sql()
        sql = FACETS_SQL.format(
            matched=matched,
            org_themes=quote(Organisation.themes.through._meta.db_table),
            org_regions=quote(Organisation.regions.through._meta.db_table),
        )
        params = [*matched_params, classification, classification]
        pairs, member_params = memberships.order_by().values("consortium_id", "organisation_id").query.sql_with_params()
        member_sql = CHOSEN_MEMBERS_SQL.format(memberships=pairs)
    consortia, consortia_params = (
        Consortium.objects.visible_to(user).order_by().values("id", "slug", "name").query.sql_with_params()
    )
    sql += TOP_CONSORTIA_SQL.format(member_counts=member_sql, consortia=consortia, limit=int(FACET_LIMIT))
    params = [*params, *member_params, *consortia_params]

    counts = {"total": None, "theme": {}, "region": {}, "classification": {}, "consortium": []}
    kinds_total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, label, n in cursor.fetchall():
            if kind == "total":
                counts["total"] = n
            elif kind in ("theme", "region"):
                counts[kind][int(key)] = n
            elif kind == "classification":
                kinds_total += n
                if key:
                    counts[kind][key] = n
            else:
                counts[kind].append((key, label, n))
    if counts["total"] is None:  # the unfiltered statement: every kind, blank included, makes the total
        counts["total"] = kinds_total
    counts["consortium"].sort(key=lambda row: (-row[2], row[1]))
    return counts


def member_counts(user, on: datetime.date | None = None) -> dict[int, int]:
    """Members per consortium in force on `on` (today if None), counting only organisations the user may see.

    Cached like the facet counts (the consortium list shows them).
    """
    on = on or timezone.localdate()

    def count():
        return backend().member_counts(members_on(on), user)

    return cached(("consortium-member-counts", sees_everything(user), on), count)
