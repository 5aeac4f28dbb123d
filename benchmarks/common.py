"""What the benchmark scripts share: percentiles and a filled PostgreSQL database."""

import time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ensure_synthetic_postgres(organisations: int) -> None:
    """Migrate the scratch PostgreSQL database and fill it once with the synthetic set and the seed.

    Call after django.setup(). Exits if DATABASE_URL does not name PostgreSQL.
    """
    import sys

    from django.core.management import call_command
    from django.db import connection

    from directory.models import Organisation

    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL to a scratch database.")
    call_command("migrate", verbosity=0)
    if Organisation.objects.filter(slug__startswith="synthetic-organisation-").exists():
        return
    from csvio.synthetic import populate

    print(f"Populating {organisations} synthetic organisations…", flush=True)
    start = time.perf_counter()
    populate(
        organisations=organisations,
        memberships=organisations * 2,
        consortia=500,
        contacts=organisations // 5,
        outputs=organisations // 5,
    )
    call_command("load_seed", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"…done in {time.perf_counter() - start:.0f} s", flush=True)
