"""``get_FOO_display()`` through ``ChoiceLabels``: Django's labels, in the active language."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from meetings.models import Recommendation
from meetings.models.base import ChoiceLabels


def fields_with_choices():
    """``(model, field)`` of every field with choices of the models that take ``ChoiceLabels``."""
    found = [
        (model, field)
        for model in apps.get_app_config("meetings").get_models()
        if issubclass(model, ChoiceLabels)
        for field in model._meta.concrete_fields
        if field.choices
    ]
    assert len(found) >= 10
    return found


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_label_is_djangos_own_in_the_active_language(language):
    for model, field in fields_with_choices():
        display = getattr(model, f"get_{field.name}_display")
        for value, _label in [*field.flatchoices, ("not-a-choice", None)]:
            record = model(**{field.attname: value})
            with translation.override(language):
                ours = display(record)
                djangos = models.Model._get_FIELD_display(record, field)
            assert ours == djangos and isinstance(ours, str), (model, field.name, value)
        assert field in ChoiceLabels._choice_labels, (model, field.name)  # read through ChoiceLabels


def test_a_label_follows_the_language_after_it_was_first_read():
    """The labels are kept once per field, not once per language: each call translates."""
    recommendation = Recommendation(status=Recommendation.Status.IMPLEMENTED)
    with translation.override("en"):
        english = recommendation.get_status_display()
    with translation.override("ar"):
        arabic = recommendation.get_status_display()
    assert english == "Implemented" and arabic != english and arabic
