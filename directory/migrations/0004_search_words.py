"""PostgreSQL only: the lexicon of words used in names, descriptions and themes.

Search corrects a misspelt word ("clinx", "fundation") to the nearest words
of this table (pg_trgm similarity, GIN index) before running the full-text
query, which stays on the search_vector GIN index. directory.search keeps the
table current; words are never removed (a stale word only widens a correction).
SQLite does without it.
"""

from django.db import migrations

FORWARD = [
    "CREATE TABLE IF NOT EXISTS directory_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON directory_search_word USING gin (word gin_trgm_ops)",
    """
    INSERT INTO directory_search_word (word)
    SELECT DISTINCT w FROM directory_organisation o,
        regexp_split_to_table(lower(o.search_names || ' ' || o.description), '[^[:alnum:]]+') AS w
    WHERE length(w) BETWEEN 3 AND 40
    UNION
    SELECT DISTINCT w FROM directory_theme t, regexp_split_to_table(lower(t.name), '[^[:alnum:]]+') AS w
    WHERE length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING
    """,
]
BACKWARD = ["DROP TABLE IF EXISTS directory_search_word"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_postgres_search_indexes")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
