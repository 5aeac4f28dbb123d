"""Column names shared by the importer, the exporter and the benchmarks (no Django imports here)."""

# The organisation's own single-value columns, in file order.
ORGANISATION_FIELDS = (
    "slug",
    "name",
    "short_name",
    "classification",
    "description",
    "website",
    "email",
    "phone",
    "founded_on",
    "dissolved_on",
    "member_count",
    "is_public",
)

# A joint output's own text and date columns, in file order (is_public comes last in the file).
OUTPUT_FIELDS = (
    "slug",
    "title",
    "kind",
    "published_on",
    "url",
    "summary",
    "key_findings",
    "recommendations",
)

# Other-name columns and the kind of name each holds.
NAME_COLUMNS = {
    "former_names": "former",
    "acronyms": "acronym",
    "alternative_names": "alternative",
    "welsh_names": "welsh",
}

# A consortium's columns, in file order.
CONSORTIUM_COLUMNS = (
    "slug",
    "name",
    "short_name",
    "kind",
    "parent",
    "start_date",
    "end_date",
    "description",
    "website",
    "themes",
    *NAME_COLUMNS,
    "is_public",
)
