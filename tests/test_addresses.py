"""Detail pages' addresses (``get_absolute_url``) built from one reversed address per
language (meetings/addresses.py): each must be what ``reverse()`` gives."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from meetings import addresses

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    meeting = factories.meeting("اجتماع تشاوري", published=True)
    return [
        (factories.organization("منظمة مأرب للتنمية (فرع الجوف)"), "meetings:organization_detail", "slug"),
        (factories.organization("Saferworld & partners"), "meetings:organization_detail", "slug"),
        (factories.project("مشروع سند"), "meetings:project_detail", "slug"),
        (factories.tag("حقوق_الإنسان"), "meetings:tag_detail", "slug"),
        (factories.governorate("marib"), "meetings:governorate_detail", "slug"),
        (meeting, "meetings:meeting_detail", "pk"),
        (factories.recommendation(meeting), "meetings:recommendation_detail", "pk"),
    ]


@pytest.mark.parametrize("prefix", ["/", "/sanad/"])
def test_every_detail_address_is_what_reverse_gives(records, prefix):
    """In both languages, under the site's root and under a script prefix (SCRIPT_NAME),
    Arabic slugs percent-encoded as reverse() encodes them."""
    set_script_prefix(prefix)
    try:
        for language in ("ar", "en"):
            with translation.override(language):
                for record, url_name, kwarg in records:
                    expected = reverse(url_name, kwargs={kwarg: getattr(record, kwarg)})
                    assert record.get_absolute_url() == expected
                    assert expected.startswith(prefix)
        # One address reversed per detail page, language and prefix: the two organisations share it.
        organisation_patterns = {
            key for key in addresses._patterns if key[0] == "meetings:organization_detail" and key[3] == prefix
        }
        assert {key[2] for key in organisation_patterns} == {"ar", "en"} and len(organisation_patterns) == 2
    finally:
        set_script_prefix("/")
    assert any("%D9" in record.get_absolute_url() for record, _name, _kwarg in records)  # an Arabic slug
