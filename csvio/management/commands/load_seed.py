"""Load the seed facts (docs/architecture.md). It lives with the CSV engine because it loads data and then
brings the search index up to date, which the consortia app may not import."""

from django.apps import apps
from django.core.management import BaseCommand, call_command

from directory.models import Organisation
from search.index import refresh_search_index

SEED_REASON = "Loaded from the seed data (fixtures/seed.json)"


def start_missing_history(reason: str) -> int:
    """Give every record that has no history yet its first ("created") entry.

    loaddata writes raw rows, which simple-history does not see.
    """
    written = 0
    for model in apps.get_models():
        tracked = hasattr(model._meta, "simple_history_manager_attribute")
        if model._meta.app_label not in {"directory", "consortia"} or not tracked:
            continue
        missing = list(model._default_manager.exclude(pk__in=model.history.values("id")))
        if missing:
            model.history.bulk_history_create(missing, update=False, default_change_reason=reason)
            written += len(missing)
    return written


class Command(BaseCommand):
    help = "Load the seed facts (fixtures/seed.json). Safe to run again: records are matched by natural keys."

    def handle(self, *args, **options):
        call_command("loaddata", "fixtures/seed.json", verbosity=options["verbosity"])
        refresh_search_index(Organisation.objects.values_list("pk", flat=True))
        start_missing_history(SEED_REASON)
