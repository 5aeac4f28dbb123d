"""PostgreSQL only: trigram extension and search indexes.

SQLite has neither, and its fallback search does without them, so the
operations check the database vendor.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS org_search_vector_gin ON directory_organisation USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS org_search_names_trgm ON directory_organisation USING gin (search_names gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_name_upper_trgm ON directory_organisation USING gin (UPPER(name) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS org_search_vector_gin",
    "DROP INDEX IF EXISTS org_search_names_trgm",
    "DROP INDEX IF EXISTS org_name_upper_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_reference_data")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
