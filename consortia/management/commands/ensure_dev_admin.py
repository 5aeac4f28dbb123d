from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError

LOGINS = [
    # username, password, group, is_staff
    ("coordinator", "coordinator", "Coordinators", True),
    ("member", "member", "Members", True),
]


class Command(BaseCommand):
    help = "Development only: make sure a coordinator and a member login exist, and print them."

    def handle(self, *args, **options):
        if not settings.DEBUG or "prod" in settings.SETTINGS_MODULE:
            raise CommandError("Refusing to create default logins: this is not a development setting.")
        User = get_user_model()
        for username, password, group_name, is_staff in LOGINS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group_name))
        self.stdout.write(
            self.style.SUCCESS(
                "\nDevelopment logins (never created in production):\n"
                "  Admin for coordinators: http://127.0.0.1:8000/admin/  user: coordinator  password: coordinator\n"
                "  Member (sees every contact on the directory): user: member  password: member\n"
            )
        )
