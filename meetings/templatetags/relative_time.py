"""``{% load relative_time %}`` and ``{{ event.at|ago }}``: meetings/relative_time.py in templates."""

from django import template

from ..relative_time import time_ago

register = template.Library()


@register.filter
def ago(value):
    return time_ago(value)
