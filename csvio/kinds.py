"""The columns of each kind of record, and the checks that belong to that kind.

docs/csv.md describes the same columns for coordinators; keep the two together.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.text import slugify

from consortia.models import (
    Consortium,
    ConsortiumKind,
    ContributorRole,
    JointOutput,
    Membership,
    OutputContributor,
    OutputKind,
    Role,
)
from consortia.models.memberships import OVERLAP_MESSAGE
from directory.identifiers import split_org_id
from directory.models import (
    Classification,
    Contact,
    Organisation,
    OrganisationIdentifier,
    OrganisationRelationship,
    Theme,
)
from directory.names import fold, normalise_name
from search.index import VECTOR_SQL, add_search_words, update_search_vectors

from . import cells, fastdb
from .cells import CellError
from .columns import NAME_COLUMNS, ORGANISATION_FIELDS, OUTPUT_FIELDS
from .engine import Column, Importer, OrganisationReference, Reference, display

ORGANISATION = OrganisationReference()
CONSORTIUM = Reference("consortium", "consortia.Consortium")
OUTPUT = Reference("joint output", "consortia.JointOutput")
RELATIONSHIP_TYPE = Reference("relationship type", "directory.RelationshipType")


def identifier_list(value: str) -> list[tuple[str, str]]:
    found = []
    for item in cells.split_list(value):
        try:
            found.append(split_org_id(item))
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from error
    if len(set(found)) != len(found):
        raise CellError("The same identifier is listed twice.")
    return sorted(found)


def optional_slug(value: str) -> str:
    return cells.slug(value) if value else ""


def name_columns(help_prefix: str) -> list[Column]:
    return [
        Column(column, cells.name_list(), help=f"{help_prefix}: {kind} names, separated by “;”.")
        for column, kind in NAME_COLUMNS.items()
    ]


class OrganisationImporter(Importer):
    kind = "organisations"
    model = Organisation
    columns = [
        Column("slug", optional_slug, help="Short name in web addresses; blank makes one from the name."),
        Column("name", cells.text(255, required=True), required=True, help="Full current name."),
        Column("short_name", cells.text(50)),
        Column("classification", cells.choice(Classification.choices)),
        Column("description", cells.text()),
        Column("website", cells.url()),
        Column("email", cells.email),
        Column("phone", cells.phone),
        Column("founded_on", cells.date),
        Column("dissolved_on", cells.date),
        Column("member_count", cells.positive_integer),
        Column("is_public", cells.boolean(True)),
        Column("identifiers", identifier_list, help="org-id identifiers such as GB-CHC-1234567, separated by “;”."),
        *name_columns("Other names"),
        Column("themes", cells.slug_list),
        Column("regions", cells.slug_list),
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

    def check_rows(self, rows):
        for row in rows:
            start, end = self.dates(row)
            if start and end and end < start:
                self.error(row, "dissolved_on", f"The date dissolved {end} is before the date founded {start}.")

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
        from directory.models import OrganisationName

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
        """search_names as Organisation.build_search_names() would make it from the record's final state.

        Other names in (kind, name) order and identifiers in (scheme, value) order, as
        the model's orderings give them (code-point order: SQLite, and PostgreSQL's C collation).
        """
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
            identifiers = sorted(self.current_identifiers.get(row.pk, {})) if row.action == "changed" else []
        parts = [record["name"], record["short_name"], *(name for _, name in sorted(names))]
        for scheme, value in sorted(identifiers):
            parts += [value, f"{scheme}-{value}"]
        record["_themes"] = row.refs.get("themes") or ()
        text = " | ".join(part for part in parts if part)
        # fold() is NFKD plus dropping combining marks, which changes nothing in ASCII text but case.
        record["search_names"] = text.casefold() if text.isascii() else fold(text)


class ContactImporter(Importer):
    kind = "contacts"
    model = Contact
    columns = [
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("name", cells.text(255, required=True), required=True),
        Column("job_title", cells.text(255)),
        Column("email", cells.email),
        Column("phone", cells.phone),
        Column("is_public", cells.boolean(False), help="true only if the person agreed to be shown publicly."),
        Column("notes", cells.text()),
        Column("last_verified_on", cells.date),
    ]
    field_columns = {n: n for n in ("name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on")}
    ref_columns = {"organisation": (ORGANISATION, "organisation_id")}
    required_values = ("organisation",)
    key = ("organisation_id", "name")
    phone_fields = ("phone",)
    record_label = staticmethod(lambda row: f"{row.values.get('name', '')} at {row.values.get('organisation', '')}")


class ConsortiumImporter(Importer):
    kind = "consortia"
    model = Consortium
    columns = [
        Column("slug", cells.slug, required=True),
        Column("name", cells.text(255, required=True), required=True),
        Column("short_name", cells.text(50)),
        Column("kind", cells.choice(ConsortiumKind.choices, default=ConsortiumKind.CONSORTIUM)),
        Column("parent", cells.reference, help="Slug of the alliance or programme it sits inside."),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("description", cells.text()),
        Column("website", cells.url()),
        Column("themes", cells.slug_list),
        *name_columns("Other names"),
        Column("is_public", cells.boolean(True)),
    ]
    field_columns = {
        n: n
        for n in ("slug", "name", "short_name", "kind", "start_date", "end_date", "description", "website", "is_public")
    }
    ref_columns = {"parent": (CONSORTIUM, "parent_id")}
    m2m_columns = {"themes": "themes"}
    name_columns = NAME_COLUMNS
    names_model_label = "consortia.ConsortiumName"
    names_fk = "consortium_id"
    key = ("slug",)
    record_label = staticmethod(lambda row: f"{row.values.get('name', '')} ({row.values.get('slug', '')})")

    def resolve_reference(self, column, reference, keys, rows):
        found = reference.resolve(keys)
        # A parent may be a consortium further down the same file.
        in_file = {row.values.get("slug") for row in rows}
        for key in keys:
            if key not in found and key in in_file:
                found[key] = ("file", key)
        return found

    def check_rows(self, rows):
        super().check_rows(rows)
        for row in rows:
            if row.values.get("parent") and row.values.get("parent") == row.values.get("slug"):
                self.error(row, "parent", "A consortium cannot sit inside itself.")

    def check_against_database(self, rows):
        parents = dict(Consortium.objects.values_list("slug", "parent__slug"))
        for row in rows:
            if not row.errors and "parent" in row.values:
                parents[row.values["slug"]] = row.values["parent"] or None
        for row in rows:
            if row.errors:
                continue
            seen, current = set(), row.values["slug"]
            while current is not None and current not in seen:
                seen.add(current)
                current = parents.get(current)
            if current == row.values["slug"]:
                self.error(row, "parent", "A consortium cannot sit inside itself or inside one of its own members.")

    def write(self, rows):
        pks = {row.values["slug"]: row.pk for row in rows if row.pk}
        new_rows = [row for row in rows if row.action == "new"]
        for row, pk in zip(new_rows, self.ids.reserve(Consortium, len(new_rows)), strict=True):
            pks[row.values["slug"]] = pk
            row.pk = pk
        for row in rows:
            parent = row.refs.get("parent_id")
            if isinstance(parent, tuple):
                row.refs["parent_id"] = pks[parent[1]]
        super().write(rows)


class MembershipImporter(Importer):
    kind = "memberships"
    model = Membership
    columns = [
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("consortium", cells.reference, required=True, help="Slug of the consortium."),
        Column("role", cells.choice(Role.choices, required=True), required=True),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("note", cells.text(255)),
    ]
    field_columns = {n: n for n in ("role", "start_date", "end_date", "note")}
    ref_columns = {"organisation": (ORGANISATION, "organisation_id"), "consortium": (CONSORTIUM, "consortium_id")}
    required_values = ("organisation", "consortium")
    key = ("organisation_id", "consortium_id", "role", "start_date")
    record_label = staticmethod(
        lambda row: (
            f"{row.values.get('organisation', '')} as {row.values.get('role', '')} of "
            f"{row.values.get('consortium', '')} from {display(row.values.get('start_date')) or 'an unknown date'}"
        )
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Every recorded period of the organisations in the file, as (organisation, consortium, role) →
        # [(start, end, id)]: only what the overlap check needs, not whole records.
        self.recorded_periods: dict[tuple, list[tuple]] = defaultdict(list)

    def remember_existing(self, found):
        for record in found.values():
            self.recorded_periods[(record["organisation_id"], record["consortium_id"], record["role"])].append(
                (record["start_date"], record["end_date"], record["id"])
            )

    def check_against_database(self, rows):
        """No two periods of the same organisation, consortium and role may share a day."""
        groups: dict[tuple, list] = defaultdict(list)
        matched = {row.pk for row in rows if row.pk}
        for key, periods in self.recorded_periods.items():
            for start, end, pk in periods:
                if pk not in matched:
                    groups[key].append((start, end, None))
        for row in rows:
            if not row.errors:
                key = self.key_of(row)[:3]
                groups[key].append((row.values.get("start_date"), row.values.get("end_date"), row))
        for periods in groups.values():
            if len(periods) < 2:
                continue
            for i, (start, end, row) in enumerate(periods):
                if row is None:
                    continue
                for j, (other_start, other_end, other_row) in enumerate(periods):
                    if i == j or (other_row is not None and j > i):
                        continue
                    if (start is None or other_end is None or start <= other_end) and (
                        end is None or other_start is None or other_start <= end
                    ):
                        where = (
                            f"row {other_row.number}"
                            if other_row is not None
                            else f"the recorded membership from {display(other_start) or 'an unknown date'}"
                            f" to {display(other_end) or 'now'}"
                        )
                        self.error(row, "start_date", f"{OVERLAP_MESSAGE} It overlaps {where}.")
                        break


class OutputImporter(Importer):
    kind = "outputs"
    model = JointOutput
    columns = [
        Column("slug", cells.slug, required=True),
        Column("title", cells.text(300, required=True), required=True),
        Column("kind", cells.choice(OutputKind.choices, default=OutputKind.BRIEFING)),
        Column("published_on", cells.date),
        Column("url", cells.url(500)),
        Column("summary", cells.text()),
        Column("key_findings", cells.text(), help="One per line."),
        Column("recommendations", cells.text(), help="One per line."),
        Column("consortium", cells.reference, help="Slug of the consortium it was produced in."),
        Column("themes", cells.slug_list),
        Column(
            "press_contact_organisation",
            cells.reference,
            help="Slug or identifier of the press contact's organisation.",
        ),
        Column(
            "press_contact", cells.text(255), help="Full name of the press contact, a contact of that organisation."
        ),
        Column("is_public", cells.boolean(True)),
    ]
    field_columns = {name: name for name in (*OUTPUT_FIELDS, "is_public")}
    ref_columns = {
        "consortium": (CONSORTIUM, "consortium_id"),
        "press_contact_organisation": (ORGANISATION, "press_contact_organisation"),
    }
    m2m_columns = {"themes": "themes"}
    key = ("slug",)
    record_label = staticmethod(lambda row: f"{row.values.get('title', '')} ({row.values.get('slug', '')})")

    def new_values(self, row):
        values = super().new_values(row)
        if "press_contact_id" in row.refs:
            values["press_contact_id"] = row.refs["press_contact_id"]
        return values

    def resolve_references(self, rows):
        super().resolve_references(rows)
        if "press_contact" not in self.present:
            for row in rows:
                row.refs.pop("press_contact_organisation", None)
            return
        wanted = defaultdict(set)
        for row in rows:
            org = row.refs.get("press_contact_organisation")
            if row.values.get("press_contact") and org:
                wanted[org].add(row.values["press_contact"])
        found = {}
        orgs = sorted(wanted)
        for queryset in fastdb.where_in(Contact.objects.all(), "organisation_id", orgs):
            for pk, org, name in queryset.values_list("pk", "organisation_id", "name"):
                found[(org, name)] = pk
        for row in rows:
            name = row.values.get("press_contact")
            org = row.refs.pop("press_contact_organisation", None)
            if not name:
                row.refs["press_contact_id"] = None
                continue
            if org is None:
                if not row.errors:
                    self.error(row, "press_contact_organisation", "Give the press contact's organisation too.")
                continue
            pk = found.get((org, name))
            if pk is None:
                self.error(
                    row,
                    "press_contact",
                    f"{row.values.get('press_contact_organisation')} has no contact called “{name}”. "
                    "Import the contact first.",
                )
            else:
                row.refs["press_contact_id"] = pk


class ContributorImporter(Importer):
    kind = "contributors"
    model = OutputContributor
    columns = [
        Column("output", cells.reference, required=True, help="Slug of the joint output."),
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("role", cells.choice(ContributorRole.choices, default=ContributorRole.CO_AUTHOR)),
        Column("order", cells.positive_integer, help="Position in the list of contributors, 0 first."),
    ]
    field_columns = {"role": "role", "order": "order"}
    ref_columns = {"output": (OUTPUT, "output_id"), "organisation": (ORGANISATION, "organisation_id")}
    required_values = ("output", "organisation")
    key = ("output_id", "organisation_id")
    record_label = staticmethod(lambda row: f"{row.values.get('organisation', '')} on {row.values.get('output', '')}")

    def new_values(self, row):
        values = super().new_values(row)
        if values.get("order", 0) is None:
            values["order"] = 0
        return values


class RelationshipImporter(Importer):
    kind = "relationships"
    model = OrganisationRelationship
    columns = [
        Column(
            "subject",
            cells.reference,
            required=True,
            help="Slug or identifier: the organisation the sentence starts with.",
        ),
        Column("type", cells.reference, required=True, help="member-of, funded-by, part-of or partner-of."),
        Column(
            "object",
            cells.reference,
            required=True,
            help="Slug or identifier: the organisation the sentence ends with.",
        ),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("note", cells.text(255)),
    ]
    field_columns = {n: n for n in ("start_date", "end_date", "note")}
    ref_columns = {
        "subject": (ORGANISATION, "subject_id"),
        "type": (RELATIONSHIP_TYPE, "type_id"),
        "object": (ORGANISATION, "object_id"),
    }
    required_values = ("subject", "type", "object")
    key = ("subject_id", "type_id", "object_id", "start_date")
    record_label = staticmethod(
        lambda row: f"{row.values.get('subject', '')} {row.values.get('type', '')} {row.values.get('object', '')}"
    )

    def check_rows(self, rows):
        super().check_rows(rows)
        for row in rows:
            if row.refs.get("subject_id") and row.refs.get("subject_id") == row.refs.get("object_id"):
                self.error(row, "object", "An organisation cannot be related to itself.")


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        OrganisationImporter,
        ContactImporter,
        ConsortiumImporter,
        MembershipImporter,
        OutputImporter,
        ContributorImporter,
        RelationshipImporter,
    )
}
ALIASES = {
    "organisation": "organisations",
    "organizations": "organisations",
    "contact": "contacts",
    "consortium": "consortia",
    "consortiums": "consortia",
    "membership": "memberships",
    "output": "outputs",
    "joint-outputs": "outputs",
    "jointoutputs": "outputs",
    "contributor": "contributors",
    "relationship": "relationships",
}


def kind_name(kind: str) -> str:
    """The canonical kind for what a person typed (singular or plural, any case); ValueError if unknown."""
    text = (kind or "").strip().lower()
    text = ALIASES.get(text, text)
    if text not in IMPORTERS:
        raise ValueError(f"Unknown kind “{kind}”: use one of {', '.join(IMPORTERS)}.")
    return text
