"""A deterministic, clearly synthetic data set for demos and benchmarks.

Every record is invented and says so: "Synthetic Organisation 00042",
addresses at example.org, telephone numbers from Ofcom's drama range
(020 7946 0xxx), charity numbers that are valid in form only. Nothing here is a
fact about a real organisation. The same arguments always give the same data.

How to call it
--------------

From a benchmark (any database Django is connected to, ideally empty)::

    import django, os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from csvio.synthetic import populate
    populate(organisations=100_000, memberships=200_000, consortia=500, contacts=20_000, outputs=20_000)

or from the shell: ``python manage.py generate_synthetic --organisations 100000``.

The API and search benchmarks should call ``populate()`` once into a scratch
database (``DATABASE_URL=postgres://…/bench_api``, or a throwaway SQLite file),
then measure. Slugs are predictable: ``synthetic-organisation-00042``,
``synthetic-consortium-007``, ``synthetic-output-00042``; themes are the
``THEMES`` slugs below; every tenth organisation (index divisible by 10) has a
former name "Synthetic Former Name 00042"; organisation i (from 1) has the
charity number ``GB-CHC-{1000000 + i}`` when i is not divisible by 5.
About one organisation in ten and one consortium in twenty is not public;
one contact in three is public.

``write_csv_files(folder, **counts)`` writes the same records as import files
(organisations.csv, contacts.csv, consortia.csv, memberships.csv,
outputs.csv, contributors.csv, relationships.csv) in the columns documented in
docs/csv.md, for the CSV import benchmark.

``populate`` writes with ``bulk_create`` in large batches and does not write
history rows: generating a demo data set is not a coordinator's change. The
search index (``search_names``, and ``search_vector`` on PostgreSQL) is filled
so that it equals what ``Organisation.build_search_names()`` gives.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from pathlib import Path

from csvio.columns import CONSORTIUM_COLUMNS, ORGANISATION_FIELDS, OUTPUT_FIELDS

CHUNK = 5_000

THEMES = [
    ("mental-health", "Mental health"),
    ("criminal-justice", "Criminal justice"),
    ("race-equality", "Race equality"),
    ("housing", "Housing"),
    ("young-people", "Young people"),
    ("older-people", "Older people"),
    ("employment", "Employment"),
    ("substance-misuse", "Substance misuse"),
    ("disability", "Disability"),
    ("carers", "Carers"),
    ("poverty", "Poverty"),
    ("community-development", "Community development"),
]
REGIONS = [
    "north-east",
    "north-west",
    "yorkshire-and-the-humber",
    "east-midlands",
    "west-midlands",
    "east-of-england",
    "london",
    "south-east",
    "south-west",
    "wales",
    "scotland",
    "northern-ireland",
]
CLASSIFICATIONS = [
    "charity",
    "charity",
    "charity",
    "membership-body",
    "community-group",
    "social-enterprise",
    "company",
]
ROLES = ["member", "member", "member", "partner", "partner", "observer", "lead", "secretariat"]
CONSORTIUM_KINDS = ["consortium", "alliance", "partnership", "network", "programme"]
OUTPUT_KINDS = ["briefing", "report", "consultation-response", "statement", "guidance"]
CONTRIBUTOR_ROLES = ["lead", "co-author", "partner", "endorser"]
RELATIONSHIP_TYPES = ["member-of", "funded-by", "part-of", "partner-of"]
JOB_TITLES = ["Chief Executive", "Policy Officer", "Communications Lead", "Director of Services", "Trustee"]
DESCRIPTIONS = [
    "A synthetic organisation made for testing. It works locally, regionally and nationally.",
    'A synthetic charity: "made up", for demonstrations only; it has no real members.',
    "Synthetic record with a café, a naïve résumé and other non-ASCII text — for testing.",
    "A synthetic body.\nIts description runs over two lines, as real ones often do.",
]
EPOCH = datetime.date(2000, 1, 1)


def _day(offset: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=offset)


# ---------------------------------------------------------------------------
# Row producers: plain dicts in the CSV import columns, shared by populate()
# and write_csv_files() so that both describe exactly the same records.
# ---------------------------------------------------------------------------


def org_slug(i: int) -> str:
    return f"synthetic-organisation-{i:05d}"


def consortium_slug(c: int) -> str:
    return f"synthetic-consortium-{c:03d}"


def output_slug(k: int) -> str:
    return f"synthetic-output-{k:05d}"


def organisation_rows(count: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed)
    for i in range(1, count + 1):
        identifiers = []
        if i % 5:
            identifiers.append(f"GB-CHC-{1000000 + i}")
        if i % 4 == 0:
            identifiers.append(f"GB-COH-{i:08d}")
        themes = sorted({THEMES[rng.randrange(len(THEMES))][0] for _ in range(1 + rng.randrange(2))})
        regions = sorted({REGIONS[rng.randrange(len(REGIONS))] for _ in range(1 + rng.randrange(3))})
        founded = _day(rng.randrange(-20000, 8000)) if rng.random() < 0.6 else None
        dissolved = founded + datetime.timedelta(days=3650) if founded and i % 50 == 0 else None
        yield {
            "slug": org_slug(i),
            "name": f"Synthetic Organisation {i:05d}",
            "short_name": f"SO{i:05d}" if i % 3 == 0 else "",
            "classification": CLASSIFICATIONS[rng.randrange(len(CLASSIFICATIONS))],
            "description": DESCRIPTIONS[i % len(DESCRIPTIONS)],
            "website": f"https://organisation-{i:05d}.example.org" if i % 2 else "",
            "email": f"enquiries{i:05d}@example.org",
            "phone": f"+4420794{60000 + i % 1000:05d}" if i % 3 else "",
            "founded_on": founded,
            "dissolved_on": dissolved,
            "member_count": rng.randrange(10, 2000) if i % 7 == 0 else None,
            "is_public": i % 10 != 0,
            "identifiers": identifiers,
            "former_names": [f"Synthetic Former Name {i:05d}"] if i % 10 == 0 else [],
            "welsh_names": [f"Sefydliad Synthetig {i:05d}"] if i % 20 == 7 else [],
            "themes": themes,
            "regions": regions,
        }


def consortium_rows(count: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed + 1)
    alliances = max(1, count // 25)
    for c in range(1, count + 1):
        start = _day(rng.randrange(0, 7000))
        yield {
            "slug": consortium_slug(c),
            "name": f"Synthetic Consortium {c:03d}",
            "short_name": f"SC{c:03d}" if c % 2 else "",
            "kind": "alliance" if c <= alliances else CONSORTIUM_KINDS[rng.randrange(len(CONSORTIUM_KINDS))],
            "parent": consortium_slug(1 + c % alliances) if c > alliances else "",
            "start_date": start,
            "end_date": start + datetime.timedelta(days=1500) if c % 9 == 0 else None,
            "description": "A synthetic consortium for testing; its members are synthetic too.",
            "website": f"https://consortium-{c:03d}.example.org",
            "themes": sorted({THEMES[rng.randrange(len(THEMES))][0] for _ in range(2)}),
            "former_names": [f"Synthetic Programme {c:03d}"] if c % 4 == 0 else [],
            "is_public": c % 20 != 0,
        }


def membership_rows(count: int, organisations: int, consortia: int, seed: int = 1) -> Iterator[dict]:
    """One membership per (organisation, consortium) pair, so periods never overlap.

    Membership k belongs to organisation k mod N in consortium (7·org + k div N) mod C:
    for a given organisation the rounds k div N all differ and are fewer than C,
    so no organisation holds two memberships of the same consortium.
    """
    if count > organisations * consortia:
        raise ValueError("More memberships than organisation–consortium pairs.")
    rng = random.Random(seed + 2)
    for k in range(count):
        o = k % organisations
        r = k // organisations
        c = (7 * o + r) % consortia
        start = _day(rng.randrange(0, 9000)) if rng.random() < 0.9 else None
        end = start + datetime.timedelta(days=365 * (1 + k % 5)) if start and k % 3 == 0 else None
        yield {
            "organisation": org_slug(o + 1),
            "consortium": consortium_slug(c + 1),
            "role": ROLES[rng.randrange(len(ROLES))],
            "start_date": start,
            "end_date": end,
            "note": "Synthetic membership" if k % 11 == 0 else "",
        }


def contact_rows(count: int, organisations: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed + 3)
    for k in range(1, count + 1):
        yield {
            "organisation": org_slug(1 + (k * 13) % organisations),
            "name": f"Synthetic Contact {k:05d}",
            "job_title": JOB_TITLES[rng.randrange(len(JOB_TITLES))],
            "email": f"contact{k:05d}@example.org",
            "phone": f"+4420794{61000 + k % 1000:05d}" if k % 2 else "",
            "is_public": k % 3 == 0,
            "notes": "Synthetic contact; not a real person." if k % 5 == 0 else "",
            "last_verified_on": _day(8000 + rng.randrange(0, 1500)) if k % 4 == 0 else None,
        }


def output_rows(count: int, consortia: int, contacts: int, organisations: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed + 4)
    contact_list = list(contact_rows(contacts, organisations, seed)) if contacts else []
    for k in range(1, count + 1):
        press = contact_list[k % len(contact_list)] if contact_list and k % 4 == 0 else None
        yield {
            "slug": output_slug(k),
            "title": f"Synthetic Briefing {k:05d}",
            "kind": OUTPUT_KINDS[rng.randrange(len(OUTPUT_KINDS))],
            "published_on": _day(7000 + rng.randrange(0, 3000)) if k % 6 else None,
            "url": f"https://outputs.example.org/{k:05d}" if k % 2 else "",
            "summary": "A synthetic briefing, made for testing.",
            "key_findings": "First synthetic finding.\nSecond synthetic finding." if k % 3 == 0 else "",
            "recommendations": "Do nothing: this is synthetic." if k % 3 == 0 else "",
            "consortium": consortium_slug(1 + k % consortia) if consortia and k % 5 else "",
            "themes": sorted({THEMES[rng.randrange(len(THEMES))][0] for _ in range(1 + rng.randrange(2))}),
            "press_contact_organisation": press["organisation"] if press else "",
            "press_contact": press["name"] if press else "",
            "is_public": k % 8 != 0,
        }


def contributor_rows(outputs: int, organisations: int, seed: int = 1) -> Iterator[dict]:
    per_output = min(3, organisations)
    for k in range(1, outputs + 1):
        for j in range(1 + k % per_output):
            yield {
                "output": output_slug(k),
                "organisation": org_slug(1 + (k * 3 + j) % organisations),
                "role": "lead" if j == 0 else CONTRIBUTOR_ROLES[1 + (k + j) % 3],
                "order": j,
            }


def relationship_rows(count: int, organisations: int, seed: int = 1) -> Iterator[dict]:
    if organisations < 2:
        return
    rng = random.Random(seed + 5)
    for k in range(count):
        subject = k % organisations
        obj = (subject + 1 + k // organisations) % organisations
        if obj == subject:
            continue
        start = _day(rng.randrange(0, 9000)) if k % 2 else None
        yield {
            "subject": org_slug(subject + 1),
            "type": RELATIONSHIP_TYPES[k % len(RELATIONSHIP_TYPES)],
            "object": org_slug(obj + 1),
            "start_date": start,
            "end_date": None,
            "note": "",
        }


# ---------------------------------------------------------------------------
# populate(): the same rows, straight into the database.
# ---------------------------------------------------------------------------


def _chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _batch_size() -> int:
    from django.db import connection

    return 5_000 if connection.vendor == "postgresql" else 900


def ensure_themes() -> dict[str, int]:
    from directory.models import Theme

    for slug, name in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    return dict(Theme.objects.values_list("slug", "id"))


def search_names_for(row: dict) -> str:
    """Organisation.build_search_names() for a row, without touching the database."""
    from directory.identifiers import split_org_id
    from directory.names import compose_search_names

    names = [("acronym", n) for n in row.get("acronyms", [])]
    names += [("alternative", n) for n in row.get("alternative_names", [])]
    names += [("former", n) for n in row.get("former_names", [])]
    names += [("welsh", n) for n in row.get("welsh_names", [])]
    identifiers = [split_org_id(org_id) for org_id in row.get("identifiers", [])]
    return compose_search_names(row["name"], row.get("short_name", ""), names, identifiers)


def populate(
    *,
    organisations: int = 100_000,
    memberships: int = 200_000,
    consortia: int = 500,
    contacts: int = 20_000,
    outputs: int = 20_000,
    relationships: int | None = None,
    seed: int = 1,
) -> None:
    """Fill the current database with the synthetic data set (fast, no history rows).

    Refuses to run if synthetic organisations are already there, so a second run
    cannot half-succeed. ``relationships`` defaults to one per twenty organisations.
    """
    from django.db import connection, transaction

    from consortia.models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor
    from directory.identifiers import split_org_id
    from directory.models import (
        Contact,
        Organisation,
        OrganisationIdentifier,
        OrganisationName,
        OrganisationRelationship,
        Region,
        RelationshipType,
        Theme,
    )
    from search.index import search_vector_value, update_search_words

    if relationships is None:
        relationships = organisations // 20
    if Organisation.objects.filter(slug__startswith="synthetic-organisation-").exists():
        raise RuntimeError("Synthetic organisations are already in this database; use an empty database.")
    batch = _batch_size()
    with transaction.atomic():
        themes = ensure_themes()
        regions = dict(Region.objects.values_list("slug", "id"))
        org_ids: dict[str, int] = {}
        OrgThemes = Organisation.themes.through
        OrgRegions = Organisation.regions.through
        for chunk in _chunks(organisation_rows(organisations, seed)):
            objs = [
                Organisation(
                    **{key: row[key] for key in ORGANISATION_FIELDS},
                    search_names=search_names_for(row),
                )
                for row in chunk
            ]
            if connection.vendor == "postgresql":
                # Search and web engineer: the vector is computed in the INSERT. Updating every row
                # afterwards left directory_organisation at 153 MB instead of 60 MB.
                names = dict(Theme.objects.values_list("slug", "name"))
                for obj, row in zip(objs, chunk, strict=True):
                    themes_text = [names[slug] for slug in row["themes"]]
                    obj.search_vector = search_vector_value(obj.search_names, obj.description, themes_text)
            Organisation.objects.bulk_create(objs, batch_size=batch)
            if objs[0].pk is None:  # a database that cannot return ids from a bulk insert
                ids = dict(Organisation.objects.filter(slug__in=[o.slug for o in objs]).values_list("slug", "id"))
                for obj in objs:
                    obj.pk = ids[obj.slug]
            links_t, links_r, names, identifiers = [], [], [], []
            for obj, row in zip(objs, chunk, strict=True):
                org_ids[obj.slug] = obj.pk
                links_t += [OrgThemes(organisation_id=obj.pk, theme_id=themes[s]) for s in row["themes"]]
                links_r += [OrgRegions(organisation_id=obj.pk, region_id=regions[s]) for s in row["regions"]]
                for kind, column in (("former", "former_names"), ("welsh", "welsh_names")):
                    for name in row[column]:
                        end = datetime.date(2015, 3, 31) if kind == "former" else None
                        names.append(OrganisationName(organisation_id=obj.pk, name=name, kind=kind, end_date=end))
                for org_id in row["identifiers"]:
                    scheme, value = split_org_id(org_id)
                    identifiers.append(OrganisationIdentifier(organisation_id=obj.pk, scheme=scheme, value=value))
            OrgThemes.objects.bulk_create(links_t, batch_size=batch)
            OrgRegions.objects.bulk_create(links_r, batch_size=batch)
            OrganisationName.objects.bulk_create(names, batch_size=batch)
            OrganisationIdentifier.objects.bulk_create(identifiers, batch_size=batch)

        consortium_ids: dict[str, int] = {}
        ConsThemes = Consortium.themes.through
        rows = list(consortium_rows(consortia, seed))
        for row in rows:  # parents first: alliances come first in the list
            obj = Consortium.objects.create(
                **{k: row[k] for k in ("slug", "name", "short_name", "kind", "start_date", "end_date")},
                description=row["description"],
                website=row["website"],
                is_public=row["is_public"],
                parent_id=consortium_ids.get(row["parent"]),
            )
            consortium_ids[obj.slug] = obj.pk
        ConsThemes.objects.bulk_create(
            [
                ConsThemes(consortium_id=consortium_ids[r["slug"]], theme_id=themes[s])
                for r in rows
                for s in r["themes"]
            ],
            batch_size=batch,
        )
        ConsortiumName.objects.bulk_create(
            [
                ConsortiumName(consortium_id=consortium_ids[r["slug"]], name=n, kind="former")
                for r in rows
                for n in r["former_names"]
            ],
            batch_size=batch,
        )

        for chunk in _chunks(membership_rows(memberships, organisations, consortia, seed)):
            Membership.objects.bulk_create(
                [
                    Membership(
                        organisation_id=org_ids[r["organisation"]],
                        consortium_id=consortium_ids[r["consortium"]],
                        role=r["role"],
                        start_date=r["start_date"],
                        end_date=r["end_date"],
                        note=r["note"],
                    )
                    for r in chunk
                ],
                batch_size=batch,
            )

        contact_ids: dict[str, int] = {}  # synthetic contact names are unique
        for chunk in _chunks(contact_rows(contacts, organisations, seed)):
            objs = [
                Contact(
                    organisation_id=org_ids[r["organisation"]],
                    **{
                        k: r[k]
                        for k in ("name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on")
                    },
                )
                for r in chunk
            ]
            Contact.objects.bulk_create(objs, batch_size=batch)
            if objs[0].pk is None:
                contact_ids.update(Contact.objects.filter(name__in=[o.name for o in objs]).values_list("name", "id"))
            else:
                contact_ids.update((obj.name, obj.pk) for obj in objs)

        OutThemes = JointOutput.themes.through
        output_ids: dict[str, int] = {}
        for chunk in _chunks(output_rows(outputs, consortia, contacts, organisations, seed)):
            objs = [
                JointOutput(
                    **{k: r[k] for k in (*OUTPUT_FIELDS, "is_public")},
                    consortium_id=consortium_ids.get(r["consortium"]),
                    press_contact_id=contact_ids.get(r["press_contact"]),
                )
                for r in chunk
            ]
            JointOutput.objects.bulk_create(objs, batch_size=batch)
            if objs and objs[0].pk is None:
                ids = dict(JointOutput.objects.filter(slug__in=[o.slug for o in objs]).values_list("slug", "id"))
                for obj in objs:
                    obj.pk = ids[obj.slug]
            links = []
            for obj, r in zip(objs, chunk, strict=True):
                output_ids[obj.slug] = obj.pk
                links += [OutThemes(jointoutput_id=obj.pk, theme_id=themes[s]) for s in r["themes"]]
            OutThemes.objects.bulk_create(links, batch_size=batch)

        for chunk in _chunks(contributor_rows(outputs, organisations, seed)):
            OutputContributor.objects.bulk_create(
                [
                    OutputContributor(
                        output_id=output_ids[r["output"]],
                        organisation_id=org_ids[r["organisation"]],
                        role=r["role"],
                        order=r["order"],
                    )
                    for r in chunk
                ],
                batch_size=batch,
            )

        types = dict(RelationshipType.objects.values_list("slug", "id"))
        for chunk in _chunks(relationship_rows(relationships, organisations, seed)):
            OrganisationRelationship.objects.bulk_create(
                [
                    OrganisationRelationship(
                        subject_id=org_ids[r["subject"]],
                        type_id=types[r["type"]],
                        object_id=org_ids[r["object"]],
                        start_date=r["start_date"],
                    )
                    for r in chunk
                ],
                batch_size=batch,
                ignore_conflicts=True,
            )

        if connection.vendor == "postgresql":
            ids = list(org_ids.values())
            for start in range(0, len(ids), 20_000):
                update_search_words(ids[start : start + 20_000])
    if connection.vendor == "postgresql":
        # Search and web engineer: fresh statistics and visibility map for the planner
        # (VACUUM cannot run inside a caller's transaction; ANALYZE can).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


# ---------------------------------------------------------------------------
# write_csv_files(): the same rows as import files.
# ---------------------------------------------------------------------------

COLUMNS = {
    "organisations": [
        *ORGANISATION_FIELDS,
        "identifiers",
        "former_names",
        "acronyms",
        "alternative_names",
        "welsh_names",
        "themes",
        "regions",
    ],
    "consortia": list(CONSORTIUM_COLUMNS),
    "memberships": ["organisation", "consortium", "role", "start_date", "end_date", "note"],
    "contacts": ["organisation", "name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on"],
    "outputs": [
        *OUTPUT_FIELDS,
        "consortium",
        "themes",
        "press_contact_organisation",
        "press_contact",
        "is_public",
    ],
    "contributors": ["output", "organisation", "role", "order"],
    "relationships": ["subject", "type", "object", "start_date", "end_date", "note"],
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_csv_files(
    folder,
    *,
    organisations: int = 100_000,
    memberships: int = 200_000,
    consortia: int = 500,
    contacts: int = 20_000,
    outputs: int = 20_000,
    relationships: int | None = None,
    seed: int = 1,
) -> dict[str, Path]:
    """Write one import file per kind into folder; returns {kind: path}.

    Load them in this order: organisations, consortia, memberships, contacts,
    outputs, contributors, relationships. Synthetic data is plain text, so no
    cell needs spreadsheet escaping.
    """
    if relationships is None:
        relationships = organisations // 20
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sources = {
        "organisations": organisation_rows(organisations, seed),
        "consortia": consortium_rows(consortia, seed),
        "memberships": membership_rows(memberships, organisations, consortia, seed),
        "contacts": contact_rows(contacts, organisations, seed),
        "outputs": output_rows(outputs, consortia, contacts, organisations, seed),
        "contributors": contributor_rows(outputs, organisations, seed),
        "relationships": relationship_rows(relationships, organisations, seed),
    }
    paths = {}
    for kind, rows in sources.items():
        path = folder / f"{kind}.csv"
        columns = COLUMNS[kind]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in columns])
        paths[kind] = path
    return paths
