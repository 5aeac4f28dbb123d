"""Narrow tables for search and facet counts at 100,000 organisations.

Both databases: indexes on the organisation–theme and organisation–region link
tables led by theme_id / region_id, so that "organisations on this theme" and
the facet counts read the index alone instead of the table.

PostgreSQL only: ``directory_search_document``, one narrow row per
organisation (id, name, is_public, classification and a copy of
search_vector, about 28 MB against the organisation table's 60 MB). Matching,
counting and ranking many rows (a subject such as "race equality" matches
12,000) read this table and its GIN index instead of the wide organisation
rows. Statement-level triggers on directory_organisation keep it a faithful
copy, whatever writes the organisation table (a save, a bulk insert, a
queryset update, a delete, a TRUNCATE from a test flush); nothing in Python
needs to remember it.
"""

from django.db import migrations

BOTH_FORWARD = [
    "CREATE INDEX IF NOT EXISTS org_themes_theme_org_idx ON directory_organisation_themes (theme_id, organisation_id)",
    "CREATE INDEX IF NOT EXISTS org_regions_region_org_idx "
    "ON directory_organisation_regions (region_id, organisation_id)",
]
BOTH_BACKWARD = [
    "DROP INDEX IF EXISTS org_themes_theme_org_idx",
    "DROP INDEX IF EXISTS org_regions_region_org_idx",
]

POSTGRES_FORWARD = [
    """
    CREATE TABLE directory_search_document (
        organisation_id bigint PRIMARY KEY,
        name varchar(255) NOT NULL,
        is_public boolean NOT NULL,
        classification varchar(30) NOT NULL,
        vector tsvector
    )
    """,
    """
    INSERT INTO directory_search_document (organisation_id, name, is_public, classification, vector)
    SELECT id, name, is_public, classification, search_vector FROM directory_organisation
    """,
    "CREATE INDEX search_document_vector_gin ON directory_search_document USING gin (vector)",
    "CREATE INDEX search_document_name_idx ON directory_search_document (name, organisation_id)",
    """
    CREATE FUNCTION directory_search_document_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO directory_search_document AS d (organisation_id, name, is_public, classification, vector)
        SELECT id, name, is_public, classification, search_vector FROM new_rows
        ON CONFLICT (organisation_id) DO UPDATE SET
            name = EXCLUDED.name, is_public = EXCLUDED.is_public,
            classification = EXCLUDED.classification, vector = EXCLUDED.vector
        WHERE (d.name, d.is_public, d.classification, d.vector)
            IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.is_public, EXCLUDED.classification, EXCLUDED.vector);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION directory_search_document_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM directory_search_document WHERE organisation_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION directory_search_document_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE directory_search_document;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_document_insert AFTER INSERT ON directory_organisation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION directory_search_document_upsert()
    """,
    """
    CREATE TRIGGER search_document_update AFTER UPDATE ON directory_organisation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION directory_search_document_upsert()
    """,
    """
    CREATE TRIGGER search_document_delete AFTER DELETE ON directory_organisation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION directory_search_document_delete()
    """,
    """
    CREATE TRIGGER search_document_truncate AFTER TRUNCATE ON directory_organisation
    FOR EACH STATEMENT EXECUTE FUNCTION directory_search_document_truncate()
    """,
    "ANALYZE directory_search_document",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_insert ON directory_organisation",
    "DROP TRIGGER IF EXISTS search_document_update ON directory_organisation",
    "DROP TRIGGER IF EXISTS search_document_delete ON directory_organisation",
    "DROP TRIGGER IF EXISTS search_document_truncate ON directory_organisation",
    "DROP FUNCTION IF EXISTS directory_search_document_upsert()",
    "DROP FUNCTION IF EXISTS directory_search_document_delete()",
    "DROP FUNCTION IF EXISTS directory_search_document_truncate()",
    "DROP TABLE IF EXISTS directory_search_document",
]


def run(both, postgres):
    def apply(apps, schema_editor):
        statements = list(both)
        if schema_editor.connection.vendor == "postgresql":
            statements += postgres
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_words")]
    operations = [
        migrations.RunPython(
            run(BOTH_FORWARD, POSTGRES_FORWARD),
            run(BOTH_BACKWARD, POSTGRES_BACKWARD),
        )
    ]
