"""Compatibility path: migrations 0005, 0007 and 0018 import the search schema from here.

The schema lives in search/schema.py (docs/search.md); this module only re-exports the
names those migrations use, so that migrating a fresh database keeps working.
"""

from search.schema import SEARCH_FUNCTIONS, SearchSchema, create_search_functions  # noqa: F401
