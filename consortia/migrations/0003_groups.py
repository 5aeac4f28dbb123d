"""The two groups: Coordinators keep the records, Members read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP_LABELS = ["directory", "consortia"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations finish; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label__in=APP_LABELS)
    coordinators, _ = Group.objects.get_or_create(name="Coordinators")
    coordinators.permissions.add(*permissions)
    members, _ = Group.objects.get_or_create(name="Members")
    members.permissions.add(*permissions.filter(codename__startswith="view_"))
    # Coordinators may issue API tokens for their scripts.
    coordinators.permissions.add(*Permission.objects.filter(content_type__app_label="authtoken"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Coordinators", "Members"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consortia", "0002_membership_no_overlap"),
        ("directory", "0003_postgres_search_indexes"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
