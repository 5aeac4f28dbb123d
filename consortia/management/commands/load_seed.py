from django.core.management import BaseCommand, call_command

from directory.models import Organisation
from directory.search import refresh_search_index


class Command(BaseCommand):
    help = "Load the seed facts (fixtures/seed.json). Safe to run again: records are matched by slug."

    def handle(self, *args, **options):
        call_command("loaddata", "fixtures/seed.json", verbosity=options["verbosity"])
        refresh_search_index(Organisation.objects.values_list("pk", flat=True))
