"""The one switch between search backends: chosen once, from the database in use.

PostgreSQL gets the full-text backend (search/backends/postgres.py); every
other database the portable one (search/backends/sqlite.py). Nothing else in
the project asks which database it runs on to search: it asks `backend()`.
"""

import functools

from django.db import connection

from .base import SearchBackend


@functools.cache
def backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SQLiteBackend

    return SQLiteBackend()
