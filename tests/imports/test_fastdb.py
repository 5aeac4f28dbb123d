"""The set-based writer: what the database refuses arrives as Django's IntegrityError, on both databases."""

import pytest
from django.db import IntegrityError, transaction

from csvio import fastdb
from directory.models import Theme
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_row_the_database_refuses_is_djangos_integrity_error():
    """The importer turns IntegrityError into “nothing was written”; COPY's own error would be a 500 instead."""
    ThemeFactory(slug="housing", name="Housing")
    (pk,) = fastdb.IdReserver().reserve(Theme, 1)
    columns = ["id", "slug", "name", "description"]
    with pytest.raises(IntegrityError), transaction.atomic():
        fastdb.insert(Theme, columns, [(pk, "housing", "Housing again", "")])
    assert Theme.objects.filter(slug="housing").count() == 1
