"""Regions of the UK and the standard relationship types."""

from django.db import migrations

REGIONS = [
    ("North East", "north-east", "england", "E12000001"),
    ("North West", "north-west", "england", "E12000002"),
    ("Yorkshire and The Humber", "yorkshire-and-the-humber", "england", "E12000003"),
    ("East Midlands", "east-midlands", "england", "E12000004"),
    ("West Midlands", "west-midlands", "england", "E12000005"),
    ("East of England", "east-of-england", "england", "E12000006"),
    ("London", "london", "england", "E12000007"),
    ("South East", "south-east", "england", "E12000008"),
    ("South West", "south-west", "england", "E12000009"),
    ("Wales", "wales", "wales", "W92000004"),
    ("Scotland", "scotland", "scotland", "S92000003"),
    ("Northern Ireland", "northern-ireland", "northern-ireland", "N92000002"),
]

RELATIONSHIP_TYPES = [
    ("Member of", "member-of", "is a member of", "has member"),
    ("Funded by", "funded-by", "is funded by", "funds"),
    ("Part of", "part-of", "is part of", "has part"),
    ("Partner of", "partner-of", "is a partner of", "is a partner of"),
]


def load(apps, schema_editor):
    Region = apps.get_model("directory", "Region")
    RelationshipType = apps.get_model("directory", "RelationshipType")
    for order, (name, slug, nation, code) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(slug=slug, defaults={"name": name, "nation": nation, "code": code, "order": order})
    for name, slug, forward, reverse in RELATIONSHIP_TYPES:
        RelationshipType.objects.update_or_create(
            slug=slug, defaults={"name": name, "forward_label": forward, "reverse_label": reverse}
        )


def unload(apps, schema_editor):
    apps.get_model("directory", "Region").objects.filter(slug__in=[r[1] for r in REGIONS]).delete()
    apps.get_model("directory", "RelationshipType").objects.filter(
        slug__in=[t[1] for t in RELATIONSHIP_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
