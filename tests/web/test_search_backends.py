"""One search package, one backend switch (docs/architecture.md)."""

from pathlib import Path

from django.db import connection

from search.backends import backend
from search.backends.postgres import PostgresBackend
from search.backends.sqlite import SQLiteBackend

ROOT = Path(__file__).resolve().parents[2]


def test_the_backend_is_chosen_once_from_the_database_in_use():
    expected = PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend

    assert isinstance(backend(), expected)
    assert backend() is backend()


def test_nothing_but_the_switch_asks_which_database_search_runs_on():
    switch = ROOT / "search" / "backends" / "__init__.py"
    asking = [
        path.relative_to(ROOT).as_posix()
        for folder in ("search", "web", "api")
        for path in (ROOT / folder).rglob("*.py")
        if path != switch and ("connection.vendor" in (text := path.read_text()) or "uses_full_text" in text)
    ]

    assert asking == []
