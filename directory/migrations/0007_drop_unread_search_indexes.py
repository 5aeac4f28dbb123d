"""PostgreSQL only: drop the three search indexes of the organisation table that no read uses.

Every search now matches on the narrow, trigger-kept ``directory_search_document``
(directory/0005, 0006): the results page, its counts and, since the API's
``?search=`` goes through the same function, the API too. Measured with
benchmarks/search.py (index scans while the results page, the API, the admin
and the other pages ran every query) and EXPLAIN:

- ``org_search_vector_gin`` (the organisation's own vector) served only the
  API's search, which now reads the search table's vector index instead;
- ``org_search_names_trgm`` served nothing;
- ``org_name_upper_trgm`` served only the benchmark's own ``name__icontains``
  baseline. The admin's search box ORs ``UPPER(…) LIKE`` over the name, the
  short name and the search names, and with no index on the short name
  PostgreSQL reads the table whatever indexes the others have.

Each cost every insert or rename of an organisation a GIN update (a trigram
index on names is among the dearest). The ``search_vector`` column stays: it
is what the triggers copy to the search table, and bulk writers compute it in
their INSERT.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS org_search_vector_gin",
    "DROP INDEX IF EXISTS org_search_names_trgm",
    "DROP INDEX IF EXISTS org_name_upper_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS org_search_vector_gin ON directory_organisation USING gin (search_vector)",
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
