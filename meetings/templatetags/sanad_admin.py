"""The admin's phrases that name a model, said whole per model (see meetings/admin/phrases.py)."""

from django import template
from django.utils.translation import gettext

from ..admin.phrases import phrases_for

register = template.Library()


@register.simple_tag
def admin_add_label(opts):
    """The add button of a list page: «أضف جهة» rather than «أضف الجهة»."""
    phrases = phrases_for(opts)
    if phrases:
        return phrases.add
    return gettext("Add %(name)s") % {"name": opts.verbose_name}


@register.simple_tag
def admin_result_count(cl):
    """«عضويتان», «3 عضويات», «11 عضوية»: the number of results with the model's noun in the right form."""
    phrases = phrases_for(cl.opts)
    if phrases:
        return phrases.counted(cl.result_count)
    noun = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    return f"{noun}: {cl.result_count}"
