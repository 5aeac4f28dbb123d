"""The narrow search table as an unmanaged model: the table itself is directory/0005's (PostgreSQL only)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('directory', '0006_search_document_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('organisation', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_document', serialize=False, to='directory.organisation')),
                ('name', models.CharField(max_length=255)),
                ('is_public', models.BooleanField()),
                ('classification', models.CharField(max_length=30)),
                ('vector', django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                'db_table': 'directory_search_document',
                'managed': False,
            },
        ),
    ]
