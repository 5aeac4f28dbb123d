"""CSV import and export for every kind of record (issue 4), an app of its own (issue 9).

Use the services: ``csvio.services.csv_import`` and ``csv_export``;
``csvio.exports.export_rows`` for the API's ``?format=csv``;
``csvio.resources`` for django-import-export's ``ModelResource`` calls.

Dependencies point one way (docs/architecture.md): api and web use csvio;
csvio uses search, consortia and directory; none of those import csvio, and
nothing here imports ``benchmarks``.

Modules
-------

The importer runs five stages in order, one module each, put together by
``engine.Importer``:

- ``stages/read.py``   read: decide the encoding by evidence (UTF-8, Windows-1252,
  UTF-16, UTF-32) and the separator (, ; tab |), find the heading row, split
  the rows strictly about quotes; refuse a file that cannot be read safely,
  naming the row and column;
- ``stages/parse.py``  parse: map the headings to the kind's columns and turn each
  cell into a value with the parsers of ``cells.py``; a blank cell gives no
  value (the one rule: the record keeps what it has);
- ``stages/plan.py``   plan: resolve natural keys to ids in bulk, check each row on
  its own (end before start) and refuse a record listed twice in the file;
- ``stages/match.py``  match: pair each row with the record it updates, compare,
  classify new / changed / unchanged, and run the rules that need recorded
  data as batch calls to the model layer (overlaps, a consortium inside itself);
- ``stages/write.py``  write: everything or nothing, in one transaction, through
  ``fastdb.py`` (COPY or ``executemany``), history rows included.

``engine.py`` (the ``Importer`` and its run), ``report.py`` (``ImportReport``),
``kinds/`` (one module per kind: ``organisations``, ``contacts``,
``consortia``, ``memberships``, ``outputs``, ``contributors``,
``relationships``; ``IMPORTERS`` and ``kind_name`` in ``kinds/__init__.py``),
``columns.py`` (column lists shared with the exporter and the generator),
``cells.py`` (one cell's parsers, and ``ValueLookup``, the one way a value is
found by its name or slug), ``exports.py`` (streamed exports),
``resources.py`` (django-import-export resources), ``safety.py``
(spreadsheet-formula escaping for every CSV the project writes), ``admin.py``
(one admin class per kind with import, export and reports), ``synthetic.py``
(the synthetic data generator), and the ``import_csv``, ``export_csv``,
``report_csv`` and ``generate_synthetic`` commands.
"""
