"""Exports in the import columns, streamed, every cell made safe for spreadsheets.

``export_rows(kind, queryset)`` gives the header and an iterator of rows of
plain values (lists already joined with “;”); ``csv_export`` turns them into
CSV lines through ``csvio.safety.stream_csv``. Visibility is the
caller's business: pass a queryset already filtered for the user (anonymous
visitors: public records, public contacts only).

Rows are read in primary-key order, a few thousand at a time (keyset
pagination), with one query per batch for each list column, so memory stays
flat however large the export.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import CharField, ExpressionWrapper, F

from csvio.safety import stream_csv

from .cells import join_list, name_with_dates, phone_for_export
from .columns import CONSORTIUM_COLUMNS, NAME_COLUMNS, ORGANISATION_FIELDS, OUTPUT_FIELDS
from .fastdb import where_in
from .kinds import kind_name

BATCH = 5_000


def _batches(queryset, fields: list[str]) -> Iterator[list[tuple]]:
    """values_list rows in pk order, BATCH at a time; the first value of each row is the pk.

    A telephone number is read as its stored text: parsing it into a PhoneNumber
    only to format it again would double the cost of an export.
    """
    phones = {f: f"{f.replace('__', '_')}_text" for f in fields if f.split("__")[-1] == "phone"}
    if phones:
        queryset = queryset.annotate(
            **{alias: ExpressionWrapper(F(f), output_field=CharField()) for f, alias in phones.items()}
        )
        fields = [phones.get(f, f) for f in fields]
    queryset = queryset.order_by("pk")
    last = None
    size = BATCH
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]
        if len(rows) < size:
            return


def _grouped(pairs: Iterable[tuple]) -> dict:
    grouped = defaultdict(list)
    for owner, value in pairs:
        grouped[owner].append(value)
    return grouped


def _related(model_manager, owner_field: str, value_field: str, ids: list[int], order: tuple = ()) -> dict:
    result = defaultdict(list)
    for queryset in where_in(model_manager.all(), owner_field, ids):
        if order:
            queryset = queryset.order_by(*order)
        for owner, value in queryset.values_list(owner_field, value_field):
            result[owner].append(value)
    return result


def _names(names_model, owner_field: str, ids: list[int]) -> dict:
    """Other names by owner and kind, each with the dates it was in use, so that they import back exactly."""
    result = defaultdict(lambda: defaultdict(list))
    for queryset in where_in(names_model.objects.all(), owner_field, ids):
        for owner, kind, name, start, end in queryset.order_by(owner_field, "kind", "name").values_list(
            owner_field, "kind", "name", "start_date", "end_date"
        ):
            result[owner][kind].append(name_with_dates(name, start, end))
    return result


def _organisations(queryset) -> tuple[list[str], Iterator[list]]:
    from directory.models import Organisation, OrganisationIdentifier, OrganisationName

    fields = list(ORGANISATION_FIELDS)
    header = [*fields, "identifiers", *NAME_COLUMNS, "themes", "regions"]
    phone_index = fields.index("phone") + 1

    def rows():
        for batch in _batches(queryset, fields):
            ids = [row[0] for row in batch]
            identifiers = defaultdict(list)
            for part in where_in(OrganisationIdentifier.objects.all(), "organisation_id", ids):
                for owner, scheme, value in part.order_by("organisation_id", "scheme", "value").values_list(
                    "organisation_id", "scheme", "value"
                ):
                    identifiers[owner].append(f"{scheme}-{value}")
            names = _names(OrganisationName, "organisation_id", ids)
            themes = _related(Organisation.themes.through.objects, "organisation_id", "theme__slug", ids)
            regions = _related(Organisation.regions.through.objects, "organisation_id", "region__slug", ids)
            for row in batch:
                pk = row[0]
                out = list(row[1:])
                out[phone_index - 1] = phone_for_export(row[phone_index])
                own_names = names.get(pk, {})
                out.append(join_list(identifiers.get(pk, ())))
                out += [join_list(own_names.get(kind, ())) for kind in NAME_COLUMNS.values()]
                out.append(join_list(sorted(themes.get(pk, ()))))
                out.append(join_list(sorted(regions.get(pk, ()))))
                yield out

    return header, rows()


def _consortia(queryset):
    from consortia.models import Consortium, ConsortiumName

    fields = ["slug", "name", "short_name", "kind", "parent__slug", "start_date", "end_date", "description", "website"]
    header = list(CONSORTIUM_COLUMNS)

    def rows():
        for batch in _batches(queryset, [*fields, "is_public"]):
            ids = [row[0] for row in batch]
            names = _names(ConsortiumName, "consortium_id", ids)
            themes = _related(Consortium.themes.through.objects, "consortium_id", "theme__slug", ids)
            for row in batch:
                pk = row[0]
                own_names = names.get(pk, {})
                yield [
                    *row[1:-1],
                    join_list(sorted(themes.get(pk, ()))),
                    *[join_list(own_names.get(kind, ())) for kind in NAME_COLUMNS.values()],
                    row[-1],
                ]

    return header, rows()


def _outputs(queryset):
    from consortia.models import JointOutput

    fields = [*OUTPUT_FIELDS, "consortium__slug"]
    header = [*fields[:-1], "consortium", "themes", "press_contact_organisation", "press_contact", "is_public"]

    def rows():
        for batch in _batches(
            queryset, [*fields, "press_contact__organisation__slug", "press_contact__name", "is_public"]
        ):
            ids = [row[0] for row in batch]
            themes = _related(JointOutput.themes.through.objects, "jointoutput_id", "theme__slug", ids)
            for row in batch:
                yield [*row[1 : len(fields) + 1], join_list(sorted(themes.get(row[0], ()))), *row[len(fields) + 1 :]]

    return header, rows()


def _flat(header: list[str], fields: list[str], phone: str | None = None):
    def export(queryset):
        index = fields.index(phone) if phone else None

        def rows():
            for batch in _batches(queryset, fields):
                for row in batch:
                    out = list(row[1:])
                    if index is not None:
                        out[index] = phone_for_export(out[index])
                    yield out

        return header, rows()

    return export


EXPORTERS = {
    "organisations": _organisations,
    "consortia": _consortia,
    "outputs": _outputs,
    "contacts": _flat(
        ["organisation", "name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on"],
        ["organisation__slug", "name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on"],
        phone="phone",
    ),
    "memberships": _flat(
        ["organisation", "consortium", "role", "start_date", "end_date", "note"],
        ["organisation__slug", "consortium__slug", "role", "start_date", "end_date", "note"],
    ),
    "contributors": _flat(
        ["output", "organisation", "role", "order"], ["output__slug", "organisation__slug", "role", "order"]
    ),
    "relationships": _flat(
        ["subject", "type", "object", "start_date", "end_date", "note"],
        ["subject__slug", "type__slug", "object__slug", "start_date", "end_date", "note"],
    ),
}


def default_queryset(kind: str):
    from .kinds import IMPORTERS

    return IMPORTERS[kind_name(kind)].model._default_manager.all()


def export_rows(kind: str, queryset=None) -> tuple[list[str], Iterator[list]]:
    """(header, rows) for a kind, in the import columns; queryset defaults to every record."""
    kind = kind_name(kind)
    if queryset is None:
        queryset = default_queryset(kind)
    return EXPORTERS[kind](queryset)


def csv_export(kind: str, queryset=None, *, bom: bool = True) -> Iterator[str]:
    """CSV lines, header first, every cell escaped for spreadsheets; for StreamingHttpResponse or a file.

    With a byte-order mark unless ``bom=False``: these files are opened in
    Excel as often as they are imported back, and the importer reads the mark
    (docs/csv.md).
    """
    header, rows = export_rows(kind, queryset)
    return stream_csv(header, rows, bom=bom)
