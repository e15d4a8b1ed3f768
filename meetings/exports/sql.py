"""SQL pieces of the exports: names of related records joined into one column, in the row's query.

Each exported row carries its organisers, tags or addressees as one text, computed by a
correlated subquery inside the export's single query, so that an export runs the same
number of queries for ten rows or a million (no prefetch per chunk).
"""

from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

# Between two names in one cell. A semicolon: names hold commas (Arabic «،» too).
SEPARATOR = "; "


class JoinedText(models.Aggregate):
    """The texts of a group joined with SEPARATOR: STRING_AGG on PostgreSQL (ordered by
    ``ordering``), GROUP_CONCAT on SQLite (in the order the rows are read)."""

    contains_aggregate = True
    output_field = models.TextField()

    def __init__(self, expression, *ordering):
        super().__init__(expression, *ordering)

    def as_sql(self, compiler, connection, **extra_context):
        expression, *ordering = super(models.Aggregate, self).get_source_expressions()
        text_sql, params = compiler.compile(expression)
        params = [*params, SEPARATOR]
        if connection.vendor != "postgresql":
            return f"GROUP_CONCAT({text_sql}, %s)", params
        orders = []
        for each in ordering:
            order_sql, order_params = compiler.compile(each)
            orders.append(order_sql)
            params += order_params
        return f"STRING_AGG({text_sql}, %s ORDER BY {', '.join(orders)})", params


def in_language(prefix, field, language):
    """``<prefix><field>_<language>``; in English, the Arabic text where the English is empty
    (the pages' own fallback, modeltranslation's)."""
    arabic = F(f"{prefix}{field}_ar")
    if language == "ar":
        return arabic
    return Coalesce(NullIf(F(f"{prefix}{field}_{language}"), Value("")), arabic)


def joined_names(queryset, group_field, prefix, *, language, ordering=("pk",)):
    """A subquery: the names (``<prefix>name``) of ``queryset``'s rows, correlated on
    ``group_field`` = the outer row's pk, joined in one text."""
    return Subquery(
        queryset.filter(**{group_field: OuterRef("pk")})
        .order_by()
        .values(group_field)
        .annotate(names=JoinedText(in_language(prefix, "name", language), *map(F, ordering)))
        .values("names")[:1],
        output_field=models.TextField(),
    )
