"""Load the seed facts (docs/architecture.md). It lives with the CSV engine because it loads data and then
brings the search index up to date, which the consortia app may not import."""

from django.apps import apps
from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.db.models import Max

from directory.models import Organisation
from search.index import refresh_search_index

SEED_REASON = "Loaded from the seed data (fixtures/seed.json)"
SEED_UPDATE_REASON = "Updated from the seed data (fixtures/seed.json)"


def tracked_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"directory", "consortia"}
        and hasattr(model._meta, "simple_history_manager_attribute")
    ]


def history_marks() -> dict:
    """The last history entry of each tracked model, before a load: what the load writes comes after."""
    return {model: model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in tracked_models()}


def explain_loaded_history(marks: dict, reason: str, update_reason: str) -> int:
    """Make the history a load wrote read as what it was: a record created from the seed, with why.

    loaddata saves raw rows, which simple-history does not record, but then
    sets each record's many-to-many fields (an organisation's themes and
    regions), which it does record: as a "Changed" entry by no one for no
    reason, the first a coordinator saw. For a record the load created, its
    last such entry (the one holding every theme and region) becomes its
    "Created" entry with `reason` and the partial ones before it go; a record
    that had history before is "Changed" with `update_reason`.
    """
    explained = 0
    for model, last in marks.items():
        history = model.history.model._default_manager
        written = history.filter(history_id__gt=last)
        if not written.exists():
            continue
        known = history.filter(history_id__lte=last).values("id")
        created = written.exclude(id__in=known)
        kept = list(created.values("id").annotate(entry=Max("history_id")).values_list("entry", flat=True))
        created.exclude(history_id__in=kept).delete()
        explained += history.filter(history_id__in=kept).update(history_type="+", history_change_reason=reason)
        explained += written.filter(id__in=known, history_change_reason__isnull=True).update(
            history_change_reason=update_reason
        )
    return explained


def start_missing_history(reason: str) -> int:
    """Give every record that has no history yet its first ("created") entry, saying why."""
    written = 0
    for model in tracked_models():
        missing = list(model._default_manager.exclude(pk__in=model.history.values("id")))
        if missing:
            model.history.bulk_history_create(missing, update=False, default_change_reason=reason)
            written += len(missing)
    return written


class Command(BaseCommand):
    help = "Load the seed facts (fixtures/seed.json). Safe to run again: records are matched by natural keys."

    def handle(self, *args, **options):
        with transaction.atomic():
            marks = history_marks()
            call_command("loaddata", "fixtures/seed.json", verbosity=options["verbosity"])
            explain_loaded_history(marks, SEED_REASON, SEED_UPDATE_REASON)
            start_missing_history(SEED_REASON)
            refresh_search_index(Organisation.objects.values_list("pk", flat=True))
