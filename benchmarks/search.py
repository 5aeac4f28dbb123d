"""Search and web page benchmark (issue 5). Not a test: it prints figures for docs/benchmarks.md.

Run against a scratch PostgreSQL database (it is filled with 100,000 synthetic
organisations on first use, then reused)::

    createdb -h 127.0.0.1 -U postgres consortia_bench_web
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consortia_bench_web \\
        .venv/bin/python benchmarks/search.py [--organisations 100000] [--repeat 20]

It measures, for a fixed list of queries (names, acronyms, former names, typos,
subjects):

* search: the search the results page runs (corrections for misspelt words,
  count + first 20 rows, on the narrow directory_search_document table:
  organisations whose names match first, ranked, then the other matches by
  name);
* baseline: a plain ``name__icontains`` filter doing the same (count + first 20);
* page: a full ``GET /organisations/?q=…`` through Django's test client
  (search, facets, prefetches, template), and the number of SQL queries it
  sent: "cold" with the facet-count cache emptied before every request, "warm"
  with it kept (each query asked again within WEB_FACET_CACHE_SECONDS);
* the home page and other pages, cold and warm.

Everything runs as a logged-in member (who sees every record, including the
non-public synthetic organisations that carry the former names), except the
rows marked "visitor" (the home page and the consortium list for an
anonymous visitor, who must not count the 10,000 hidden organisations).

p50/p95 are over every run of every query. It also prints EXPLAIN for two
searches so that index use can be checked. PostgreSQL connections run with
``max_parallel_workers_per_gather = 0`` unless PG_MAX_PARALLEL_WORKERS_PER_GATHER
says otherwise (config/settings/base.py).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ensure_synthetic_postgres, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

QUERIES = [
    "Synthetic Organisation 04242",  # full name
    "synthetic organisation 77777",
    "SO04242",  # acronym
    "Synthetic Former Name 00420",  # former name
    "synthetc organisaton 04243",  # typos
    "nacro",
    "clinx",  # typo
    "mental health fundation",  # typo
    "strategic partnership programme",  # a consortium's former name
    "race equality",  # a subject (theme and name)
    "criminal justice",
    "1004242",  # charity number
]


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(name, times):
    return f"| {name} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} | {max(times):.1f} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory.models import Organisation
    from search.documents import DocumentMatch, DocumentResults
    from search.index import PreparedQuery, search_organisations

    ensure_synthetic_postgres(args.organisations)
    total = Organisation.objects.count()
    visible = Organisation.objects.all()  # what a logged-in member searches

    def search(query):
        """What the results page asks of the search: corrections, the count and the first 20, ranked."""
        prepared = PreparedQuery(query)  # one query: corrections for misspelt words
        match = DocumentMatch(prepared, True, [])  # as a member: no visibility condition
        results = DocumentResults(match, "", visible, ())
        results.total = match.count()
        return list(results[0:20])

    def baseline(query):
        matches = visible.filter(Q(name__icontains=query))
        matches.count()
        return list(matches.order_by("name")[:20])

    member, _ = get_user_model().objects.get_or_create(username="benchmark-member")
    client, visitor = Client(), Client()
    client.force_login(member)
    page_queries = {}

    def get(path, params=None, cold=True, as_visitor=False):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = (visitor if as_visitor else client).get(path, params)
        assert response.status_code == 200, (path, response.status_code)
        return len(captured)

    def page(query, cold=True):
        page_queries[query, cold] = get("/organisations/", {"q": query}, cold)

    for query in QUERIES:  # warm the database's own caches once
        search(query), baseline(query), page(query)

    search_times, baseline_times, cold_times, warm_times = [], [], [], []
    print(
        "\n| query | first results | search p95 ms | icontains p95 ms | page p95 ms cold / warm "
        "| SQL queries cold / warm |"
    )
    print("|---|---|---|---|---|---|")
    for query in QUERIES:
        s = timed(lambda q=query: search(q), args.repeat)
        b = timed(lambda q=query: baseline(q), args.repeat)
        c = timed(lambda q=query: page(q), args.repeat)
        w = timed(lambda q=query: page(q, cold=False), args.repeat)
        search_times += s
        baseline_times += b
        cold_times += c
        warm_times += w
        top = ", ".join(o.name for o in search(query)[:2]) or "(none)"
        print(
            f"| {query} | {top} | {percentile(s, 0.95):.1f} | {percentile(b, 0.95):.1f} | "
            f"{percentile(c, 0.95):.1f} / {percentile(w, 0.95):.1f} | "
            f"{page_queries[query, True]} / {page_queries[query, False]} |"
        )

    detail_paths = [
        "/",
        "/organisations/?theme=mental-health&region=wales",
        "/organisations/association-of-mental-health-providers/",
        "/organisations/synthetic-organisation-04241/",
        "/consortia/",
        "/consortia/synthetic-consortium-042/",
        "/outputs/",
        "/outputs/synthetic-output-00042/",
    ]
    detail_rows = []
    for path in detail_paths + ["visitor /", "visitor /consortia/"]:
        url, as_visitor = path.removeprefix("visitor "), path.startswith("visitor ")
        queries = f"{get(url, as_visitor=as_visitor)} / {get(url, cold=False, as_visitor=as_visitor)}"
        cold = timed(lambda u=url, v=as_visitor: get(u, as_visitor=v), args.repeat)
        warm = timed(lambda u=url, v=as_visitor: get(u, cold=False, as_visitor=v), args.repeat)
        detail_rows.append((path, cold, warm, queries))

    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{total} organisations; {args.repeat} runs of each of {len(QUERIES)} queries; load average {load}.\n")
    print("| measure | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    print(summary("search (count + first 20: name matches ranked, then by name)", search_times))
    print(summary("baseline `name__icontains` (count + first 20)", baseline_times))
    print(summary("search results page, cold (counts computed)", cold_times))
    print(summary("search results page, warm (counts cached)", warm_times))
    for path, cold, warm, queries in detail_rows:
        print(summary(f"`{path}` cold (queries cold / warm: {queries})", cold))
        print(summary(f"`{path}` warm", warm))

    match = DocumentMatch(PreparedQuery("race equality"), True, [])
    results = DocumentResults(match, "", visible, ())
    results.total = match.count()
    with connection.cursor() as cursor:
        for label, queryset in (
            ("the results page's first 20 for “race equality”", results[0:20]),
            ("ranked search (API, admin) for “clinx”", search_organisations(visible, "clinx")[:20]),
        ):
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
            print(f"\nEXPLAIN {label}:\n" + "\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
