"""REST API benchmark (issue 3). Not a test: it prints figures for docs/benchmarks.md.

Run against a scratch PostgreSQL database; it is filled on first use with the
synthetic data set (100,000 organisations, 200,000 memberships, 20,000
outputs, 20,000 contacts, 500 consortia) and reused afterwards::

    createdb -h 127.0.0.1 -U postgres consortia_bench_api
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consortia_bench_api \\
        .venv/bin/python benchmarks/api.py [--organisations 100000] [--repeat 40]

Each request goes through the whole stack in process (DRF's test client:
URL routing, authentication, filters, pagination, serializers, JSON or CSV
rendering), as an anonymous caller, with throttling off. For each it reports
median and p95 latency and the number of SQL queries, twice:

* as shipped (select_related / prefetch_related in the viewsets);
* with prefetching switched off: ``select_related`` made a no-op and every
  ``prefetch_related`` lookup run one object at a time, so each row fetches its
  own nested data — the N+1 pattern the prefetching exists to avoid.

The CSV export reads in primary-key batches with one query per batch and list
column (csvio.exports); it never used prefetch_related, so its
"off" column is the same code and is shown only for completeness.
"""

import argparse
import csv
import io
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ensure_synthetic_postgres, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


@contextmanager
def prefetching_off():
    """Emulate viewsets written without select_related/prefetch_related (see the module docstring)."""
    from django.db.models import query

    original_prefetch = query.prefetch_related_objects
    original_select = query.QuerySet.select_related

    def one_at_a_time(instances, *lookups):
        for instance in instances:
            original_prefetch([instance], *lookups)

    query.prefetch_related_objects = one_at_a_time
    query.QuerySet.select_related = lambda self, *fields: self._chain()
    try:
        yield
    finally:
        query.prefetch_related_objects = original_prefetch
        query.QuerySet.select_related = original_select


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--csv-repeat", type=int, default=7)
    parser.add_argument(
        "--suggested-indexes",
        action="store_true",
        help="create (theme_id, organisation_id) and (region_id, organisation_id) indexes on the through tables "
        "in this scratch database first; without it they are dropped, so each run measures what it says",
    )
    parser.add_argument(
        "--no-parallel",
        action="store_true",
        help="SET max_parallel_workers_per_gather = 0 on the benchmark's connection",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.test import APIClient
    from rest_framework.throttling import SimpleRateThrottle

    from consortia.models import Membership
    from directory.models import Organisation

    ensure_synthetic_postgres(args.organisations)

    with connection.cursor() as cursor:
        for table, column in (("themes", "theme_id"), ("regions", "region_id")):
            index = f"bench_suggested_{table}_idx"
            if args.suggested_indexes:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON directory_organisation_{table} ({column}, organisation_id)"
                )
                cursor.execute(f"ANALYZE directory_organisation_{table}")
            else:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
        if args.no_parallel:
            cursor.execute("SET max_parallel_workers_per_gather = 0")

    SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None, "token": None}
    client = APIClient()
    member = APIClient()
    member.force_authenticate(get_user_model().objects.get_or_create(username="bench-member")[0])

    # A consortium with a typical number of current members, and a CSV filter giving about 10,000 rows.
    consortium = "synthetic-consortium-042"
    members = Membership.objects.current().filter(consortium__slug=consortium).count()
    requests = [
        (
            "organisation list: theme + region, page 3 of 50, nested memberships",
            client,
            "/api/v1/organisations/",
            {"theme": "mental-health", "region": "london", "page_size": 50, "page": 3},
        ),
        (
            "organisation list: current members of a consortium, page of 50",
            client,
            "/api/v1/organisations/",
            {"consortium": consortium, "page_size": 50},
        ),
        (f"consortium detail with its {members} current members", client, f"/api/v1/consortia/{consortium}/", {}),
        ("search (name), page of 50", client, "/api/v1/organisations/", {"search": "synthetic organisation 04242"}),
        (
            "search (former name), logged-in member",
            member,
            "/api/v1/organisations/",
            {"search": "Synthetic Former Name 00420"},
        ),
        (
            "CSV export: charities on two themes",
            client,
            "/api/v1/organisations/",
            {"classification": "charity", "theme": ["mental-health", "criminal-justice"], "format": "csv"},
        ),
    ]

    queries = []

    def count_queries(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def call(client, url, params):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if response.streaming:
            body = b"".join(response.streaming_content).decode()
            return sum(1 for _ in csv.reader(io.StringIO(body))) - 1  # descriptions may span lines
        data = response.json()
        return data.get("count", 1)

    def measure(client, url, params, repeat):
        call(client, url, params)  # warm caches
        queries.clear()
        with connection.execute_wrapper(count_queries):
            rows = call(client, url, params)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(client, url, params)
            times.append((time.perf_counter() - start) * 1000)
        return rows, len(queries), times

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        (parallel_workers,) = cursor.fetchone()
    print(
        f"\nPostgreSQL {connection.pg_version // 10000}, {Organisation.objects.count()} organisations, "
        f"{Membership.objects.count()} memberships; extra scratch indexes: {args.suggested_indexes}; "
        f"max_parallel_workers_per_gather: {parallel_workers} (the shipped setting is 0)\n"
    )
    print(
        "| request | rows | p50 ms | p95 ms | queries | p50 ms, no prefetch | p95 ms, no prefetch "
        "| queries, no prefetch |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, caller, url, params in requests:
        repeat = args.csv_repeat if params.get("format") == "csv" else args.repeat
        rows, count, on = measure(caller, url, params, repeat)
        with prefetching_off():
            _, queries_off, off = measure(caller, url, params, max(3, repeat // 4))
        print(
            f"| {name} | {rows} | {statistics.median(on):.1f} | {percentile(on, 0.95):.1f} | {count} "
            f"| {statistics.median(off):.1f} | {percentile(off, 0.95):.1f} | {queries_off} |",
            flush=True,
        )

    # Queries per request must not depend on the page: first and a deep page of the same list.
    for page in (1, 200):
        queries.clear()
        with connection.execute_wrapper(count_queries):
            call(client, "/api/v1/organisations/", {"page_size": 50, "page": page})
        print(f"\norganisation list page {page}: {len(queries)} queries", end="")
    print()


if __name__ == "__main__":
    main()
