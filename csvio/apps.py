from django.apps import AppConfig


class CsvioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "csvio"
    verbose_name = "CSV import and export"
