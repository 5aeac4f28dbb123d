"""Finding organisations by what people type.

`refresh_search_index(ids)` keeps the denormalised `search_names` (and, on
PostgreSQL, `search_vector`) current; it is called by signals on single saves
and by bulk imports once per batch.

`search_organisations(queryset, query)` is the portable search: every word
of the query must appear in some name, acronym, former name or identifier.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from .names import fold


def refresh_search_index(organisation_ids: Iterable[int]) -> None:
    from .models import Organisation

    ids = list(organisation_ids)
    if not ids:
        return
    organisations = Organisation.objects.filter(pk__in=ids).prefetch_related("other_names", "identifiers")
    changed = []
    for organisation in organisations:
        names = organisation.build_search_names()
        if names != organisation.search_names:
            organisation.search_names = names
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_names"], batch_size=500)
    if connection.vendor == "postgresql":
        update_search_vectors(ids)


def update_search_vectors(ids: list[int]) -> None:
    """PostgreSQL only: rebuild the weighted full-text vector for these organisations.

    Names (all of them, via search_names) weigh most (A), then the
    description (B), then theme names (C).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE directory_organisation o SET search_vector =
                setweight(to_tsvector('english', coalesce(o.search_names, '')), 'A')
                || setweight(to_tsvector('english', coalesce(o.description, '')), 'B')
                || setweight(to_tsvector('english', coalesce((
                    SELECT string_agg(t.name, ' ')
                    FROM directory_organisation_themes ot
                    JOIN directory_theme t ON t.id = ot.theme_id
                    WHERE ot.organisation_id = o.id), '')), 'C')
            WHERE o.id = ANY(%s)
            """,
            [ids],
        )


def search_organisations(queryset, query: str):
    words = fold(query).split()
    if not words:
        return queryset
    condition = Q()
    for word in words:
        condition &= Q(search_names__contains=word)
    return queryset.filter(condition)
