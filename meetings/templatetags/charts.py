"""Template tags that draw the statistics charts (meetings/charts.py)."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join

from ..charts import legend

register = template.Library()


@register.simple_tag
def chart_svg(chart, rtl):
    return chart.svg(bool(rtl))


@register.simple_tag
def chart_legend(chart):
    return legend(chart)


@register.simple_tag
def chart_table(chart):
    """The chart's figures as a table (written in Python: a large table costs less than
    through the template engine's loops)."""
    header = format_html_join("", '<th scope="col">{}</th>', ((heading,) for heading in chart.table_header))
    rows = format_html_join(
        "",
        "<tr><th scope=\"row\">{}</th>{}</tr>",
        (
            (row[0], format_html_join("", '<td class="number"><bdi>{}</bdi></td>', ((localize(cell),) for cell in row[1:])))
            for row in chart.table_rows
        ),
    )
    return format_html(
        '<table class="figures"><caption class="visually-hidden">{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        chart.title, header, rows,
    )
