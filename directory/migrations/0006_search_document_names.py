"""PostgreSQL only: a names-only index on the narrow search table, and an index for the kind facet.

``ts_filter(vector, '{a}')`` is the name part (weight A: current names,
acronyms, former names, identifiers) of an organisation's search vector. The
results page ranks by ``ts_rank`` only the organisations whose names match
and lists the other matches (description or theme) by name, so a subject
matching 12,000 organisations ranks a handful of rows instead of all of them.
An expression index finds the name matches without widening the table (no
new column, so the triggers of migration 0005 are unchanged).

The ``(classification, is_public)`` index lets the unfiltered directory count
organisations per kind from the index alone, and a partial index lists the
hidden (non-public) organisations, whose links a visitor's counts leave out.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX search_document_names_gin ON directory_search_document USING gin ((ts_filter(vector, '{a}')))",
    "CREATE INDEX search_document_kind_idx ON directory_search_document (classification, is_public)",
    "CREATE INDEX search_document_hidden_idx ON directory_search_document (organisation_id) WHERE NOT is_public",
    "ANALYZE directory_search_document",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_document_hidden_idx",
    "DROP INDEX IF EXISTS search_document_kind_idx",
    "DROP INDEX IF EXISTS search_document_names_gin",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_search_documents")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
