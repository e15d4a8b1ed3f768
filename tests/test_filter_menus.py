"""The filter panels' menus: only what may be chosen, the chosen one marked, and only the
columns a menu shows read from the database (a project's description is not)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from meetings.filters import MeetingFilterForm
from search.forms import SearchForm
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    shown = factories.project("مشروع المياه", description_ar="وصف طويل " * 200)
    factories.meeting(project=shown, published=True)
    hidden = factories.project("مشروع لم يُنشر له لقاء")
    factories.meeting(project=hidden)  # a draft only
    return shown, hidden


def options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


@pytest.mark.parametrize("form_class", [MeetingFilterForm, SearchForm])
def test_the_project_menu_offers_published_projects_and_marks_the_chosen_one(projects, form_class):
    shown, hidden = projects
    with translation.override("ar"):
        html = str(form_class({"project": shown.slug})["project"])
    found = options(html)
    assert ("", "", "كل المشاريع") in found
    assert (shown.slug, " selected", "مشروع المياه") in found
    assert hidden.slug not in [value for value, _selected, _label in found]
    assert [selected for _value, selected, _label in found].count(" selected") == 1


def test_the_menu_reads_the_slug_and_names_only(projects):
    with CaptureQueriesContext(connection) as queries:
        str(MeetingFilterForm({})["project"])
    menu = [query["sql"] for query in queries.captured_queries if "meetings_project" in query["sql"]]
    assert len(menu) == 1
    selected = menu[0].split(" FROM ", 1)[0]
    assert '"slug"' in selected and '"name_ar"' in selected and '"name_en"' in selected
    assert "description" not in selected and "start_date" not in selected


def test_an_english_menu_names_the_projects_in_english_where_they_have_one(projects):
    shown, _hidden = projects
    shown.name_en = "Water project"
    shown.save()
    with translation.override("en"):
        found = options(str(SearchForm({})["project"]))
    assert (shown.slug, "", "Water project") in found
