"""Keep each organisation's search index current when it or its names change.

The refresh runs straight away rather than on commit, so that a search in the
same transaction (a test, an import preview) already sees the change. Bulk
writes do not send signals: they call `refresh_search_index` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from directory.models import Organisation, OrganisationIdentifier, OrganisationName

from .index import refresh_search_index


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, **kwargs):
    refresh_search_index([instance.pk])


@receiver(post_save, sender=OrganisationName)
@receiver(post_delete, sender=OrganisationName)
@receiver(post_save, sender=OrganisationIdentifier)
@receiver(post_delete, sender=OrganisationIdentifier)
def organisation_part_changed(sender, instance, **kwargs):
    if Organisation.objects.filter(pk=instance.organisation_id).exists():
        refresh_search_index([instance.organisation_id])


@receiver(m2m_changed, sender=Organisation.themes.through)
def organisation_themes_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Organisation):
        refresh_search_index([instance.pk])
