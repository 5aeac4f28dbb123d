"""Organisations: the columns, the identifier and likely-duplicate checks, identifiers and the search index."""

from __future__ import annotations

import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.text import slugify

from csvio import cells, fastdb
from csvio.cells import CellError, display
from csvio.columns import NAME_COLUMNS, ORGANISATION_FIELDS
from csvio.engine import Column, Importer
from directory.identifiers import split_org_id
from directory.models import Classification, Organisation, OrganisationIdentifier, OrganisationName, Theme
from directory.names import compose_search_names, normalise_name
from search.index import VECTOR_SQL, add_search_words, update_search_vectors

from .shared import name_columns


def identifier_list(value: str) -> list[tuple[str, str]]:
    found = []
    for item in cells.split_list(value):
        try:
            found.append(split_org_id(cells.canonical_org_id(item)))
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from error
    if len(set(found)) != len(found):
        raise CellError("The same identifier is listed twice.")
    return sorted(found)


def optional_slug(value: str) -> str:
    return cells.slug(value) if value else ""


class OrganisationImporter(Importer):
    kind = "organisations"
    model = Organisation
    columns = [
        Column("slug", optional_slug, help="Short name in web addresses; blank makes one from the name."),
        Column("name", cells.text(255, required=True), required=True, help="Full current name."),
        Column("short_name", cells.text(50)),
        Column("classification", cells.choice(Classification.choices, label="classification")),
        Column("description", cells.text()),
        Column("website", cells.url()),
        Column("email", cells.email),
        Column("phone", cells.phone),
        Column("founded_on", cells.date),
        Column("dissolved_on", cells.date),
        Column("member_count", cells.whole_number()),
        Column("is_public", cells.boolean(True)),
        Column("identifiers", identifier_list, help="org-id identifiers such as GB-CHC-1234567, separated by “;”."),
        *name_columns("Other names"),
        Column("themes", cells.reference_list, help="Themes by name or slug, separated by “;”."),
        Column("regions", cells.reference_list, help="Regions by name or slug, separated by “;”."),
    ]
    field_columns = {name: name for name in ORGANISATION_FIELDS}
    m2m_columns = {"themes": "themes", "regions": "regions"}
    name_columns = NAME_COLUMNS
    names_model_label = "directory.OrganisationName"
    names_fk = "organisation_id"
    key = ("slug",)
    phone_fields = ("phone",)
    start_column = "founded_on"
    end_column = "dissolved_on"
    record_label = staticmethod(lambda row: f"{row.values.get('name', '')} ({row.values.get('slug', '')})")

    def end_before_start_message(self, start, end):
        return f"The date dissolved {end} is before the date founded {start}."

    def check_duplicates_in_file(self, rows):
        # Slugs made from names first, so that they take part in the duplicate check.
        for row in rows:
            if not row.errors and not row.values.get("slug") and row.values.get("name"):
                row.values["slug"] = slugify(row.values["name"])[:255] or "organisation"
                row.extra["made_slug"] = True
        super().check_duplicates_in_file(rows)
        owners: dict[tuple[str, str], int] = {}
        for row in rows:
            for identifier in row.values.get("identifiers", []) if not row.errors else []:
                if identifier in owners:
                    self.error(
                        row,
                        "identifiers",
                        f"{identifier[0]}-{identifier[1]} is also given in row {owners[identifier]}.",
                    )
                else:
                    owners[identifier] = row.number

    def match_existing(self, rows):
        """An identifier match wins over a slug match."""
        wanted = sorted({value for row in rows for _, value in row.values.get("identifiers", [])})
        by_identifier: dict[tuple[str, str], int] = {}
        for queryset in fastdb.where_in(OrganisationIdentifier.objects.all(), "value", wanted):
            for scheme, value, pk in queryset.values_list("scheme", "value", "organisation_id"):
                by_identifier[(scheme, value)] = pk
        slugs = sorted({row.values["slug"] for row in rows})
        by_slug: dict[str, int] = {}
        for queryset in fastdb.where_in(Organisation.objects.all(), "slug", slugs):
            by_slug.update(queryset.values_list("slug", "pk"))
        targets = {}
        for row in rows:
            owners = {by_identifier[i] for i in row.values.get("identifiers", []) if i in by_identifier}
            slug_owner = by_slug.get(row.values["slug"])
            if len(owners) > 1:
                self.error(row, "identifiers", "These identifiers belong to different organisations already recorded.")
                continue
            if owners:
                (owner,) = owners
                if slug_owner is not None and slug_owner != owner:
                    if row.extra.get("made_slug"):
                        row.values["slug"] = None  # keep the matched organisation's slug
                    else:
                        self.error(
                            row,
                            "slug",
                            f"The identifiers in this row belong to another organisation than the slug "
                            f"“{row.values['slug']}” does. Correct the slug or the identifiers.",
                        )
                        continue
                elif row.extra.get("made_slug"):
                    row.values["slug"] = None
                targets[row.number] = owner
            elif slug_owner is not None:
                if row.extra.get("made_slug"):
                    self.error(
                        row,
                        "name",
                        f"Likely duplicate: an organisation with the slug “{row.values['slug']}” made from this name "
                        "already exists. Put its slug in the slug column to update it.",
                    )
                    continue
                targets[row.number] = slug_owner
        pks = sorted(set(targets.values()))
        records = {}
        attnames = self.tracked_attnames()
        for queryset in fastdb.where_in(Organisation.objects.all(), "id", pks):
            for record in self.existing_values(queryset, attnames):
                self.normalise_existing(record)
                records[record["id"]] = record
        for row in rows:
            pk = targets.get(row.number)
            if pk is not None and not row.errors:
                row.existing = records[pk]
                row.pk = pk
                if row.values.get("slug") is None:
                    row.values["slug"] = row.existing["slug"]
        self.by_identifier.update(by_identifier)
        matched = [row for row in rows if row.existing is not None]
        self.load_related(matched)
        identifiers = OrganisationIdentifier.objects.all()
        for queryset in fastdb.where_in(identifiers, "organisation_id", [r.pk for r in matched]):
            for pk, organisation_id, scheme, value in queryset.values_list("id", "organisation_id", "scheme", "value"):
                self.current_identifiers[organisation_id][(scheme, value)] = pk

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.by_identifier: dict[tuple[str, str], int] = {}
        # (scheme, value) → id; whole records are read only for the few identifiers a file removes.
        self.current_identifiers: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)

    def forget_unchanged(self, rows):
        super().forget_unchanged(rows)
        for row in rows:
            if row.action == "unchanged":
                self.current_identifiers.pop(row.pk, None)

    def check_against_database(self, rows):
        for row in rows:
            if row.errors:
                continue
            for identifier in row.values.get("identifiers", []):
                owner = self.by_identifier.get(identifier)
                if owner is not None and owner != row.pk:
                    self.error(
                        row, "identifiers", f"{identifier[0]}-{identifier[1]} already belongs to another organisation."
                    )
        new_rows = [row for row in rows if not row.errors and row.pk is None]
        if not new_rows or self.allow_duplicate_names:
            return
        # Likely duplicates: a new organisation whose normalised name matches a recorded name or another new row.
        for row in new_rows:
            row.extra["normalised"] = normalise_name(row.values["name"])
        wanted = {row.extra["normalised"]: row for row in new_rows}
        known: dict[str, str] = {}
        for _pk, name, slug in Organisation.objects.values_list("pk", "name", "slug").iterator(chunk_size=5000):
            norm = normalise_name(name)
            if norm in wanted:
                known.setdefault(norm, f"“{name}” ({slug})")
        for name, slug in OrganisationName.objects.values_list("name", "organisation__slug").iterator(chunk_size=5000):
            norm = normalise_name(name)
            if norm in wanted:
                known.setdefault(norm, f"“{name}”, another name of {slug}")
        seen_in_file: dict[str, int] = {}
        for row in new_rows:
            norm = row.extra["normalised"]
            if norm in known:
                self.error(
                    row,
                    "name",
                    f"Likely duplicate of {known[norm]}: the names match once case, punctuation, a leading “The”, "
                    "“&”/“and” and “Ltd”/“Limited” are ignored. Put its slug in the slug column to update it, or, "
                    "if this really is a different organisation, import again allowing duplicate names.",
                )
            elif norm in seen_in_file:
                self.error(
                    row,
                    "name",
                    f"Likely duplicate of the organisation in row {seen_in_file[norm]}: the names match once case, "
                    "punctuation, “The”, “&”/“and” and “Ltd”/“Limited” are ignored.",
                )
            else:
                seen_in_file[norm] = row.number

    def related_diff(self, row):
        diff = super().related_diff(row)
        if "identifiers" in row.values:
            current = sorted(self.current_identifiers.get(row.pk, {}))
            if current != row.values["identifiers"]:
                diff.append(
                    (
                        "identifiers",
                        display([f"{s}-{v}" for s, v in current]),
                        display([f"{s}-{v}" for s, v in row.values["identifiers"]]),
                    )
                )
        return diff

    def write(self, rows):
        super().write(rows)
        started = time.perf_counter()
        created, deleted = [], []
        for row in rows:
            if row.action not in ("new", "changed") or "identifiers" not in row.values:
                continue
            current = self.current_identifiers.get(row.pk, {}) if row.action == "changed" else {}
            wanted = set(row.values["identifiers"])
            deleted += [pk for key, pk in current.items() if key not in wanted]
            created += [
                {
                    "organisation_id": row.pk,
                    "scheme": scheme,
                    "value": value,
                    "created_at": self.now_cell,
                    "updated_at": self.now_cell,
                }
                for scheme, value in row.values["identifiers"]
                if (scheme, value) not in current
            ]
        for record, pk in zip(created, self.ids.reserve(OrganisationIdentifier, len(created)), strict=True):
            record["id"] = pk
        attnames = [f.attname for f in OrganisationIdentifier._meta.concrete_fields]
        deleted_ids, deleted = deleted, []
        for queryset in fastdb.where_in(OrganisationIdentifier.objects.all(), "id", deleted_ids):
            deleted += queryset.values(*attnames)
        fastdb.delete(OrganisationIdentifier, deleted_ids)
        fastdb.insert(OrganisationIdentifier, attnames, ([r[a] for a in attnames] for r in created))
        self.write_history(OrganisationIdentifier, created, "+")
        self.write_history(OrganisationIdentifier, deleted, "-")
        self.report.timings["write identifiers"] = time.perf_counter() - started
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            # New rows got their vector and their words in the insert (insert_new). Changed rows are
            # refreshed whole.
            ids = [row.pk for row in rows if row.action == "changed"]
            for start in range(0, len(ids), 20_000):
                update_search_vectors(ids[start : start + 20_000])
        self.report.timings["write search index"] = time.perf_counter() - started

    def insert_new(self, columns, records):
        """On PostgreSQL the full-text vector is computed in the insert, as update_search_vectors would,
        and the batch's words join the typo-correction list, as update_search_words would add them."""
        if connection.vendor != "postgresql":
            return super().insert_new(columns, records)
        if not hasattr(self, "_theme_names"):
            self._theme_names = dict(Theme.objects.values_list("pk", "name"))
        names = self._theme_names
        vector = VECTOR_SQL.format(names="s.search_names", description="s.description", themes="s.theme_names")
        texts = []  # the text update_search_words splits into words, for this batch only

        def rows():
            for r in records:
                theme_names = " ".join(sorted(names[pk] for pk in r["_themes"]))
                texts.append(f"{r['search_names']} {r['description']} {theme_names}")
                yield [*(r.get(a) for a in columns), theme_names]

        fastdb.insert_computing(
            Organisation,
            columns,
            rows(),
            inputs=["theme_names"],
            computed={"search_vector": vector},
        )
        add_search_words(texts)

    extra_attnames = ("search_names",)

    def prepare_record(self, row, record):
        """search_names from the record's final state, composed by the model layer's rule (``compose_search_names``)."""
        current_names = self.current_names.get(row.pk, {}) if row.action == "changed" else {}
        names = []
        for column, kind in NAME_COLUMNS.items():
            if column in row.values:
                names += [(kind, name) for name in row.values[column]]
            else:
                names += [key for key in current_names if key[0] == kind]
        if "identifiers" in row.values:
            identifiers = row.values["identifiers"]
        else:
            identifiers = self.current_identifiers.get(row.pk, {}) if row.action == "changed" else []
        record["_themes"] = row.refs.get("themes") or ()
        record["search_names"] = compose_search_names(record["name"], record["short_name"], names, identifiers)
