from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError
from django.db import connection

LOGINS = [
    # username, password, group, is_staff
    ("coordinator", "coordinator", "Coordinators", True),
    ("member", "member", "Members", True),
]


def database_in_use() -> str:
    """What a newcomer is running on, in words (printed when `make run` starts)."""
    name = connection.settings_dict.get("NAME")
    if connection.vendor == "sqlite":
        return f"SQLite, the file {name} (set DATABASE_URL to use PostgreSQL)"
    if connection.vendor == "postgresql":
        host = connection.settings_dict.get("HOST") or "the local socket"
        return f"PostgreSQL, database {name} on {host}"
    return f"{connection.vendor}, database {name}"


class Command(BaseCommand):
    help = "Development only: make sure a coordinator and a member login exist, and print them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="Where the site is served, for the links printed (make run passes its HOST and PORT).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG or "prod" in (settings.SETTINGS_MODULE or ""):
            raise CommandError("Refusing to create default logins: this is not a development setting.")
        User = get_user_model()
        for username, password, group_name, is_staff in LOGINS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group_name))
        url = options["url"].rstrip("/") + "/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDatabase: {database_in_use()}\n"
                f"The directory: {url}\n"
                "Development logins (never created in production):\n"
                f"  Admin for coordinators: {url}admin/  user: coordinator  password: coordinator\n"
                f"  Member (sees every contact): {url}accounts/login/  user: member  password: member\n"
            )
        )
