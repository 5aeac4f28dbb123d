"""PostgreSQL only: the database itself refuses overlapping memberships.

An organisation may not hold the same role in the same consortium over two
periods that share a day. Validation refuses this on every database; on
PostgreSQL an exclusion constraint also holds it.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CREATE = """
ALTER TABLE consortia_membership ADD CONSTRAINT membership_no_overlap
EXCLUDE USING gist (
    organisation_id WITH =,
    consortium_id WITH =,
    role WITH =,
    daterange(start_date, end_date, '[]') WITH &&
)
"""
DROP = "ALTER TABLE consortia_membership DROP CONSTRAINT IF EXISTS membership_no_overlap"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("consortia", "0001_initial")]
    operations = [BtreeGistExtension(), migrations.RunPython(run(CREATE), run(DROP))]
