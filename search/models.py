"""The narrow search table, for the ORM: read-only, and PostgreSQL only.

``directory_search_document`` (directory/0005, 0006) holds one row per
organisation: id, name, visibility, kind and a copy of its weighted vector,
written by triggers on the organisation table and by nothing else. The model
lets querysets join it (``search_document__vector``), so that the API's search
ranks matches from the same vector index as the results page. SQLite has no
such table; only search/backends/postgres.py reads it.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    # DO_NOTHING and no constraint: the triggers add and remove rows with their organisations.
    organisation = models.OneToOneField(
        "directory.Organisation",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    name = models.CharField(max_length=255)
    is_public = models.BooleanField()
    classification = models.CharField(max_length=30)
    vector = SearchVectorField(null=True)

    class Meta:
        managed = False
        db_table = "directory_search_document"

    def __str__(self) -> str:
        return self.name
