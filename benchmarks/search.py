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
searches, and how often each search index was used by all of the above
(``pg_stat_user_indexes``, reset first), so that an index no read uses shows
as 0.

``--write-cost ROWS`` measures instead what the search columns, indexes and
triggers cost a bulk write: ``bulk_create`` of the same ROWS synthetic
organisations (objects built beforehand, batches of 5,000, each round rolled
back, then VACUUM) into the organisation table and into a plain table with
the same columns (``LIKE directory_organisation``, primary key only), with
and without the search columns filled as the importer fills them
(``search_names`` and the vector computed in the INSERT), in one run. It
reports the whole ``bulk_create`` and the time in the database statements
alone (Django's own work per object is the same for both tables). It does
not migrate: fill the database with a normal run first, then compare two
schemas with ``manage.py migrate directory 0006`` (before) and
``manage.py migrate`` (after). PostgreSQL connections run with
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
    parser.add_argument("--write-cost", type=int, default=0, metavar="ROWS")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --write-cost")
    args = parser.parse_args()

    import django

    django.setup()
    if args.write_cost:
        # No migrate here: run it before and after `manage.py migrate` to compare two schemas.
        write_cost(args.write_cost, args.rounds)
        return
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory.models import Organisation
    from search.backends.postgres import DocumentMatch
    from search.documents import search_organisations
    from search.query import PreparedQuery

    ensure_synthetic_postgres(args.organisations)
    total = Organisation.objects.count()
    visible = Organisation.objects.all()  # what a logged-in member searches

    def search(query):
        """What the results page asks of the search: corrections, the count and the first 20, ranked."""
        prepared = PreparedQuery(query)  # one query: corrections for misspelt words
        match = DocumentMatch(prepared, member, [], visible)  # as a member: no visibility condition
        return list(match.results("", (), match.count())[0:20])

    def baseline(query):
        matches = visible.filter(Q(name__icontains=query))
        matches.count()
        return list(matches.order_by("name")[:20])

    member, _ = get_user_model().objects.get_or_create(username="benchmark-member")
    administrator, _ = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client, visitor, admin_client = Client(), Client(), Client()
    client.force_login(member)
    admin_client.force_login(administrator)
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

    def api(query):
        response = client.get("/api/v1/organisations/", {"search": query})
        assert response.status_code == 200, response.status_code
        return [row["name"] for row in response.json()["results"][:2]]

    def admin(query):
        response = admin_client.get("/admin/directory/organisation/", {"q": query})
        assert response.status_code == 200, response.status_code

    for query in QUERIES:  # warm the database's own caches once
        search(query), baseline(query), page(query), api(query), admin(query)

    reset_index_use()
    search_times, baseline_times, cold_times, warm_times, api_times, admin_times = [], [], [], [], [], []
    print(
        "\n| query | first results (page / API) | search p95 ms | icontains p95 ms | page p95 ms cold / warm "
        "| SQL queries cold / warm | API p95 ms | admin p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for query in QUERIES:
        s = timed(lambda q=query: search(q), args.repeat)
        b = timed(lambda q=query: baseline(q), args.repeat)
        c = timed(lambda q=query: page(q), args.repeat)
        w = timed(lambda q=query: page(q, cold=False), args.repeat)
        a = timed(lambda q=query: api(q), args.repeat)
        d = timed(lambda q=query: admin(q), args.repeat)
        search_times += s
        baseline_times += b
        cold_times += c
        warm_times += w
        api_times += a
        admin_times += d
        top = ", ".join(o.name for o in search(query)[:2]) or "(none)"
        top_api = ", ".join(api(query)) or "(none)"
        print(
            f"| {query} | {top} / {top_api} | {percentile(s, 0.95):.1f} | {percentile(b, 0.95):.1f} | "
            f"{percentile(c, 0.95):.1f} / {percentile(w, 0.95):.1f} | "
            f"{page_queries[query, True]} / {page_queries[query, False]} | "
            f"{percentile(a, 0.95):.1f} | {percentile(d, 0.95):.1f} |"
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
    print(summary("API `/api/v1/organisations/?search=` (member)", api_times))
    print(summary("admin organisation list `?q=` (superuser)", admin_times))
    for path, cold, warm, queries in detail_rows:
        print(summary(f"`{path}` cold (queries cold / warm: {queries})", cold))
        print(summary(f"`{path}` warm", warm))

    print_index_use()  # before the EXPLAINs below, which use indexes too

    match = DocumentMatch(PreparedQuery("race equality"), member, [], visible)
    results = match.results("", (), match.count())
    with connection.cursor() as cursor:
        for label, queryset in (
            ("the results page's first 20 for “race equality”", results[0:20]),
            ("the API's search for “clinx” (search_organisations)", search_organisations(visible, "clinx")[:20]),
        ):
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
            print(f"\nEXPLAIN {label}:\n" + "\n".join(row[0] for row in cursor.fetchall()))


SEARCH_TABLES = ("directory_organisation", "directory_search_document", "directory_search_word")


def reset_index_use():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")


def print_index_use():
    """How many scans each index of the search tables served since reset_index_use()."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    connection.close()  # a new session: the flushed counters, not this one's snapshot
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.relname, s.indexrelname, s.idx_scan, pg_relation_size(s.indexrelid)
            FROM pg_stat_user_indexes s WHERE s.relname = ANY(%s) ORDER BY s.relname, s.indexrelname
            """,
            [list(SEARCH_TABLES)],
        )
        rows = cursor.fetchall()
    print("\n| table | index | scans by the reads above | size MB |")
    print("|---|---|---:|---:|")
    for table, index, scans, size in rows:
        print(f"| {table} | {index} | {scans} | {size / 1e6:.1f} |")


def write_cost(rows: int, rounds: int) -> None:
    """bulk_create into the organisation table against a plain table of the same columns (see the docstring)."""
    from django.db import connection, models, transaction

    from csvio.columns import ORGANISATION_FIELDS
    from csvio.synthetic import organisation_rows, search_names_for
    from directory.models import Organisation, Theme
    from search.index import search_vector_value

    plain_table = "bench_plain_organisation"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {plain_table}")
        cursor.execute(
            f"CREATE TABLE {plain_table} (LIKE directory_organisation INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute(f"ALTER TABLE {plain_table} ADD PRIMARY KEY (id)")
    meta = type("Meta", (), {"db_table": plain_table, "managed": False, "app_label": "benchmarks"})
    attrs = {"__module__": __name__, "Meta": meta}
    attrs.update({field.name: field.clone() for field in Organisation._meta.concrete_fields})
    plain = type("PlainOrganisation", (models.Model,), attrs)

    theme_names = dict(Theme.objects.values_list("slug", "name"))
    source = []
    for row in organisation_rows(rows, seed=7):
        row["slug"] = "write-cost-" + row["slug"]
        source.append(row)

    def objects(model, search: bool):
        built = []
        for row in source:
            obj = model(**{key: row[key] for key in ORGANISATION_FIELDS})
            if search:
                obj.search_names = search_names_for(row)
                themes = [theme_names[slug] for slug in row["themes"] if slug in theme_names]
                obj.search_vector = search_vector_value(obj.search_names, obj.description, themes)
            built.append(obj)
        return built

    cases = [
        ("plain table, plain columns", plain, False),
        ("organisation table, plain columns", Organisation, False),
        ("plain table, with search columns", plain, True),
        ("organisation table, with search columns", Organisation, True),
    ]
    in_database = [0.0]

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database[0] += time.perf_counter() - start

    rates = {label: [] for label, _, _ in cases}
    database_rates = {label: [] for label, _, _ in cases}
    for _ in range(rounds):
        for label, model, search in cases:
            built = objects(model, search)
            in_database[0] = 0.0
            with transaction.atomic(), connection.execute_wrapper(timer):
                start = time.perf_counter()
                model.objects.bulk_create(built, batch_size=5_000)
                rates[label].append(rows / (time.perf_counter() - start))
                database_rates[label].append(rows / in_database[0])
                transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {plain_table}")
        # The rolled-back rows are dead tuples in the tables and their indexes: clear them before any read.
        cursor.execute("VACUUM ANALYZE directory_organisation, directory_search_document")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    indexes = ", ".join(sorted(connection.introspection.get_constraints(connection.cursor(), "directory_organisation")))
    print(f"\nbulk_create of {rows} organisations, {rounds} rounds; load average {load}.")
    print(f"Organisation table's indexes and constraints: {indexes}.\n")
    print("| into | rows/s median (best) | database statements alone: rows/s median (best) |")
    print("|---|---:|---:|")
    for label, values in rates.items():
        alone = database_rates[label]
        print(
            f"| {label} | {statistics.median(values):,.0f} ({max(values):,.0f}) "
            f"| {statistics.median(alone):,.0f} ({max(alone):,.0f}) |"
        )


if __name__ == "__main__":
    main()
