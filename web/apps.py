from django.apps import AppConfig

WATCHED_APPS = {"directory", "consortia"}


class WebConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "web"
    verbose_name = "Web directory"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .search import new_generation

        def directory_changed(sender, **kwargs):
            if sender._meta.app_label in WATCHED_APPS:
                new_generation()

        post_save.connect(directory_changed, dispatch_uid="web-counts-save", weak=False)
        post_delete.connect(directory_changed, dispatch_uid="web-counts-delete", weak=False)
        m2m_changed.connect(directory_changed, dispatch_uid="web-counts-m2m", weak=False)
