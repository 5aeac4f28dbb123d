"""The admin's history pages: a record's own changes and its inline rows' changes, each with what changed.

django-simple-history keeps one history table per model, and its history
page lists one table: an end date typed into a membership on the
organisation's page was recorded against the membership and never shown on
the organisation's history. `HistoryAdmin` reads the record's own history and
the history of every model edited inline on its page (its `inlines`, found
through their foreign key to it) as one list, newest first, a page at a time,
and says for each entry what changed: field, old value → new value, or the
values a new row was created with. It is simple-history's own data read with
its own `diff_against`; there is no second log.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import IntegerField, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

BLANK = "—"


def is_tracked(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


@dataclass
class HistorySource:
    """The historical records of one model that belong on a page: `parent_field` names the owner."""

    model: type[models.Model]  # the tracked model (Organisation, Membership…)
    records: models.QuerySet  # its historical records, already narrowed to this page's owner
    parent_field: str | None = None  # the inline's foreign key to the page's record; None for the record itself

    def read(self, history_ids: list[int]) -> list:
        """These records, each with `timeline_previous`: the record before it of the same row, or None."""
        historical = self.records.model
        pk = self.model._meta.pk.attname
        earlier = (
            historical._default_manager.filter(**{pk: OuterRef(pk)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        records = list(
            self._related(historical._default_manager.filter(history_id__in=history_ids)).annotate(
                previous_history_id=Subquery(earlier)
            )
        )
        previous_ids = [record.previous_history_id for record in records if record.previous_history_id]
        previous = (
            {
                record.history_id: record
                for record in self._related(historical._default_manager.filter(history_id__in=previous_ids))
            }
            if previous_ids
            else {}
        )
        for record in records:
            record.timeline_previous = previous.get(record.previous_history_id)
        self._add_many_to_many([*records, *previous.values()])
        return records

    def _related(self, queryset):
        """Each record's foreign keys and who made it, in the same query."""
        historical = queryset.model
        foreign_keys = [field.name for field in historical.tracked_fields if isinstance(field, models.ForeignKey)]
        return queryset.select_related("history_user", *foreign_keys)

    def _add_many_to_many(self, records) -> None:
        """Each record's many-to-many snapshot (an organisation's themes…) as sorted names, one query a field."""
        historical = self.records.model
        for field in getattr(historical, "_history_m2m_fields", []):
            through = getattr(historical, field.name).model
            target = field.m2m_reverse_field_name()
            names = defaultdict(list)
            rows = through._default_manager.filter(history_id__in=[record.history_id for record in records])
            for row in rows.select_related(target):
                names[row.history_id].append(str(getattr(row, target)))
            for record in records:
                record.timeline_m2m = getattr(record, "timeline_m2m", {})
                record.timeline_m2m[field.name] = sorted(names[record.history_id])


class Timeline:
    """Several models' historical records as one list, newest first, that a Paginator reads a page at a time.

    Counting and choosing a page are one UNION query each over (date, id,
    source); only the page's records are then read, with their previous
    records, so the number of queries does not grow with the history (a
    consortium with 200,000 membership changes reads 100 entries a page).
    """

    ordered = True

    def __init__(self, sources: list[HistorySource]):
        self.sources = sources
        self.model = sources[0].records.model  # SimpleHistoryAdmin.history_view reads .model and .latest()

    def latest(self, *fields):
        return self.sources[0].records.latest(*fields)

    def _entries(self):
        parts = [
            source.records.order_by()
            .annotate(history_source=Value(index, output_field=IntegerField()))
            .values_list("history_date", "history_id", "history_source")
            for index, source in enumerate(self.sources)
        ]
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    def count(self) -> int:
        return self._entries().count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("A timeline is read a page (a slice) at a time.")
        entries = list(self._entries().order_by("-history_date", "-history_id", "-history_source")[key])
        wanted = defaultdict(list)
        for _date, history_id, index in entries:
            wanted[index].append(history_id)
        found = {}
        for index, history_ids in wanted.items():
            for record in self.sources[index].read(history_ids):
                record.timeline_source = self.sources[index]
                found[(index, record.history_id)] = record
        return [found[(index, history_id)] for _date, history_id, index in entries]


class ReadableChanges(HistoricalRecordContextHelper):
    """simple-history's formatting of a change, with choices by their labels and blanks as a dash."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return BLANK
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page also lists the changes made to the rows edited inline on it."""

    def history_view(self, request, object_id, extra_context=None):
        inline_history = [
            str(inline.model._meta.verbose_name_plural)
            for inline in self.inlines
            if is_tracked(inline.model) and self._parent_field(inline) is not None
        ]
        return super().history_view(request, object_id, {"inline_history": inline_history, **(extra_context or {})})

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        try:
            object_id = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404 from None
        own = super().get_history_queryset(request, history_manager, pk_name, object_id)
        sources = [HistorySource(self.model, own)]
        for inline in self.inlines:
            field = self._parent_field(inline)
            if field is not None and is_tracked(inline.model):
                records = inline.model.history.filter(**{field.attname: object_id})
                sources.append(HistorySource(inline.model, records, parent_field=field.name))
        return Timeline(sources)

    def _parent_field(self, inline):
        """The inline model's foreign key to this admin's model (its `fk_name` when it has several)."""
        candidates = [
            field
            for field in inline.model._meta.concrete_fields
            if field.many_to_one and field.related_model is self.model
        ]
        if inline.fk_name:
            candidates = [field for field in candidates if field.name == inline.fk_name]
        return candidates[0] if len(candidates) == 1 else None

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        for record in historical_records:
            source = getattr(record, "timeline_source", None)
            if source is None:  # a page built by simple-history itself
                continue
            record.history_label = self._label(record, source)
            record.history_url = self._record_url(record, source)
            record.history_delta_changes = self._changes(record, source)

    def _label(self, record, source) -> str:
        instance = record.history_object
        for field in source.model._meta.concrete_fields:
            if field.is_relation:
                historical_field = record._meta.get_field(field.name)
                if historical_field.is_cached(record):
                    field.set_cached_value(instance, historical_field.get_cached_value(record))
        try:
            name = str(instance)
        except (AttributeError, ObjectDoesNotExist):  # a row whose organisation has since been deleted
            name = f"#{instance.pk}"
        if source.parent_field is None:
            return name
        return f"{capfirst(source.model._meta.verbose_name)}: {name}"

    def _record_url(self, record, source) -> str | None:
        opts = source.model._meta
        try:
            return reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[quote(record.instance_type._meta.pk.value_from_object(record)), quote(record.history_id)],
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return None

    def _changes(self, record, source) -> list[dict]:
        """What this entry changed: old → new for a change, the values it started with for a new row."""
        helper = ReadableChanges(source.model, record)
        previous = record.timeline_previous
        m2m_names = {field.name for field in getattr(record, "_history_m2m_fields", [])}
        if record.history_type == "-":
            return []
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, excluded_fields=m2m_names, foreign_keys_are_objs=True)
            changes = helper.context_for_delta_changes(delta)
            for name in sorted(m2m_names):
                old, new = self._m2m_names(previous, name), self._m2m_names(record, name)
                if old != new:
                    changes.append(self._m2m_change(source.model, name, old, new))
            return changes
        # Created (or the first entry kept): the values it began with, leaving out the blank ones and the owner.
        changes = []
        skipped = {source.parent_field, source.model._meta.pk.name}
        for field in record.tracked_fields:
            if not field.editable or field.name in skipped or field.name in m2m_names:
                continue
            value = getattr(record, field.name if field.is_relation else field.attname, None)
            if value is None or value == "":
                continue
            formatted = helper.format_delta_change(ModelChange(field.name, None, value))
            changes.append({"field": formatted.field, "old": None, "new": formatted.new})
        for name in sorted(m2m_names):
            names = self._m2m_names(record, name)
            if names:
                changes.append(self._m2m_change(source.model, name, [], names))
        return changes

    @staticmethod
    def _m2m_names(record, name: str) -> list[str]:
        return record.timeline_m2m[name]

    @staticmethod
    def _m2m_change(model, name: str, old: list[str], new: list[str]) -> dict:
        return {
            "field": capfirst(model._meta.get_field(name).verbose_name),
            "old": ", ".join(old) or BLANK,
            "new": ", ".join(new) or BLANK,
        }
