"""PostgreSQL only: drop the two trigram indexes of the organisation table that no read uses.

Measured with benchmarks/search.py at 20,000 organisations (index scans while
the results page, the API, the admin and the other pages ran every query)
and EXPLAIN:

- ``org_search_names_trgm`` served nothing;
- ``org_name_upper_trgm`` served only the benchmark's own ``name__icontains``
  baseline. The admin's search box ORs ``UPPER(…) LIKE`` over the name, the
  short name and the search names, and with no index on the short name
  PostgreSQL reads the table whatever indexes the others have.

Each cost every insert or rename of an organisation a trigram GIN update.

``org_search_vector_gin`` stays: the API's search matches and ranks the
organisation's own vector with it. Matching the trigger-kept copy instead
(directory/0005) would cost a join per match: 64 ms against 40 ms for a
broad query at 20,000 organisations. The copy's two GIN indexes serve the
results page and its counts.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS org_search_names_trgm",
    "DROP INDEX IF EXISTS org_name_upper_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS org_search_names_trgm ON directory_organisation USING gin (search_names gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_name_upper_trgm ON directory_organisation USING gin (UPPER(name) gin_trgm_ops)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_search_document_names")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
