"""Everything about search: index upkeep, query preparation, the two backends, documents and facets.

The modules, and what each is the one home of:

- ``index.py``: index upkeep (``refresh_search_index``; PostgreSQL's vector,
  word list and the SQL bulk writers share: ``VECTOR_SQL``,
  ``add_search_words``, ``update_search_vectors``, ``search_vector_value``).
- ``query.py``: query preparation (``normalise_query``, ``PreparedQuery``).
- ``backends/``: ``__init__.py`` chooses the one backend from the database in
  use (``backend()``); ``base.py`` says what a backend does;
  ``postgres.py`` (full text on the trigger-kept ``directory_search_document``)
  and ``sqlite.py`` (the portable fallback) do it.
- ``documents.py``: what every channel calls (``search_organisations``,
  ``search_directory``, ``filter_organisations``, ``suggest_organisations``,
  ``search_consortia``).
- ``facets.py``: facet counts, members per consortium, and their cache.
- ``signals.py`` and ``apps.py``: single saves refresh the index and start a
  new cache generation.

Who may see what and what is in force on a date are not written here: the
statements compile ``visible_to``/``public()`` and ``as_of`` querysets
(docs/architecture.md). The one cached copy of a rule, the search table's
``is_public``, is described and tested where it is read (backends/postgres.py).

The orders. Every channel that takes words lists the matches in one of two
named orders:

1. **The relevance order** (``SearchBackend.rank``). The results page
   (``q``: ``search_directory``) and the API (``?search=``:
   ``search_organisations``) use it, with the same backend, and list the same
   organisations in the same order (tests/web/test_search.py).

   - PostgreSQL: organisations whose names (current name, acronym, former and
     other names, identifiers) match come first, by ``ts_rank`` of the whole
     weighted vector, highest first; then the other matches (description or
     theme only) by name. Ties go by name, then id.
   - SQLite: an exact name first, then names starting with the query, then
     the rest; by name, then id, within each.

   The API's ``?ordering=`` replaces it when given.

2. **The admin order.** The admin's own search box (``search_fields`` of each
   ModelAdmin: every word a case-insensitive substring of the name, the short
   name or the search names), listed in the admin's column order (name unless
   a column is chosen). The admin classes live in ``directory`` and
   ``consortia``, which must not import ``search``; and a coordinator looking
   up a record is served by every substring hit in a sortable table rather
   than by relevance or typo correction.

Consortia matching a query (``search_consortia``, on the results page) are
listed by name.
"""
