"""Template tags that draw the statistics charts (meetings/charts.py)."""

from django import template

from ..charts import legend

register = template.Library()


@register.simple_tag
def chart_svg(chart, rtl):
    return chart.svg(bool(rtl))


@register.simple_tag
def chart_legend(chart):
    return legend(chart)
