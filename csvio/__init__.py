"""CSV import and export for every kind of record (issue 4).

Use the services: ``csvio.services.csv_import`` and ``csv_export``;
``csvio.exports.export_rows`` for the API's ``?format=csv``.
"""
