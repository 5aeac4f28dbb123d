"""Everything about search: index upkeep, query preparation, the two backends, documents and facets."""
