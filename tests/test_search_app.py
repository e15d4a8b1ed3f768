"""Search is its own app: ``meetings`` uses it only through the interface docs/search.md
names, and the old paths that migrations import keep working."""

import ast
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

# What meetings may import from search (docs/search.md, "What meetings uses of search").
INTERFACE = {
    "search.normalization": {"normalize", "tokenize", "stems", "index_terms", "tokens_with_spans", "QueryTerm"},
    "search.terms": {
        "MAX_COLUMN_LENGTH", "MAX_TERM_LENGTH", "SUGGESTION_MAX_LENGTH", "SUGGESTION_MIN_LENGTH",
        "document_terms", "exact_terms", "suggestion_words", "word_terms",
    },
    "search.engine": {"SearchQuery", "matching", "Matches", "found_keys", "found_any", "NamesOrganization"},
    "search.schema": {
        "SEARCH_FUNCTIONS", "SearchSchema", "create_search_functions", "SEARCH_TABLES", "vector_index", "postgresql_create",
        "ADDRESSEE_IDS", "MEETING_ORGANIZATION_IDS", "add_organization_keys", "remove_organization_keys",
    },
}


def imports_from_search(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "search":
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] != "search", f"{path}: import {alias.name}"


def test_meetings_uses_search_only_through_its_interface():
    outside = []
    for path in sorted((ROOT / "meetings").rglob("*.py")):
        for module, name in imports_from_search(path):
            if name not in INTERFACE.get(module, ()):
                outside.append((str(path.relative_to(ROOT)), module, name))
    assert outside == []


def test_the_search_app_imports_no_view_of_meetings():
    for path in sorted((ROOT / "search").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("meetings.views"), path


def test_the_migrations_path_still_imports():
    from meetings import search_schema
    from search import schema

    assert search_schema.SearchSchema is schema.SearchSchema
    assert search_schema.SEARCH_FUNCTIONS is schema.SEARCH_FUNCTIONS


def test_the_addresses_stay():
    assert reverse("search:search") == "/search/"
    from django.utils import translation

    with translation.override("en"):
        assert reverse("search:search") == "/en/search/"
