from django.apps import AppConfig

WATCHED_APPS = {"directory", "consortia"}


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from directory.models.base import bulk_written

        from . import signals  # noqa: F401  (keeps each organisation's index current)
        from .facets import new_generation

        def directory_changed(sender, **kwargs):
            if sender._meta.app_label in WATCHED_APPS:
                new_generation()

        post_save.connect(directory_changed, dispatch_uid="web-counts-save", weak=False)
        post_delete.connect(directory_changed, dispatch_uid="web-counts-delete", weak=False)
        m2m_changed.connect(directory_changed, dispatch_uid="web-counts-m2m", weak=False)
        bulk_written.connect(directory_changed, dispatch_uid="web-counts-bulk", weak=False)
