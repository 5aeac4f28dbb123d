"""CSV import and export for every kind of record (issue 4).

Use the services: ``consortia.imports.services.csv_import`` and ``csv_export``;
``consortia.imports.exports.export_rows`` for the API's ``?format=csv``.
"""
