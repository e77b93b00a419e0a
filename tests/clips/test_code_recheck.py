"""Rows saved before the check on save: marked (never deleted), shown, refused for rendering."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from clips.models import Clip
from generations.models import Generation
from tests.factories import SIMPLE_CODE, ClipFactory, GenerationFactory
from tests.page_helpers import render_button

pytestmark = pytest.mark.django_db
FETCHING = "export default () => {\n  fetch('/x');\n  return null;\n}"
MARK = {"code": "code_forbidden_api", "message": "`fetch` is not allowed in generated code.", "line": 2, "column": 3}


def test_recheck_marks_failing_rows_clears_fixed_ones_and_deletes_nothing():
    bad_clip, good_clip = ClipFactory(code=FETCHING), ClipFactory()
    fixed_clip = ClipFactory(code_problem=MARK)
    bad_generation = GenerationFactory(code="export const A = 1;")
    empty_generation = GenerationFactory(code="", status=Generation.Status.FAILED)

    call_command("recheck_code")

    assert Clip.objects.count() == 3 and Generation.objects.count() == 2
    assert Clip.objects.get(pk=bad_clip.pk).code_problem == MARK
    assert Clip.objects.get(pk=good_clip.pk).code_problem is None
    assert Clip.objects.get(pk=fixed_clip.pk).code_problem is None
    assert Generation.objects.get(pk=bad_generation.pk).code_problem["code"] == "code_no_default_export"
    assert Generation.objects.get(pk=empty_generation.pk).code_problem is None


def test_the_data_migration_marks_existing_rows():
    bad = ClipFactory(code=FETCHING)
    migration = importlib.import_module("clips.migrations.0002_clip_code_problem")
    migration.mark_failing_rows(django_apps, None)
    assert Clip.objects.get(pk=bad.pk).code_problem == MARK


def test_the_clip_page_shows_the_problem_and_why_it_cannot_render(web, user):
    clip = ClipFactory(owner=user, code=FETCHING, code_problem=MARK)

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()

    assert "This code fails the check on save</strong> (code_forbidden_api, line 2, column 3)" in page
    assert "disabled" in render_button(page)
    assert "code: Line 2, column 3: `fetch` is not allowed in generated code." in page


def test_the_generation_page_shows_the_problem(web, user):
    generation = GenerationFactory(owner=user, code=FETCHING, code_problem=MARK)
    page = web.get(reverse("generations:detail", args=[generation.pk])).content.decode()
    assert "This code fails the check on save" in page and "disabled" in render_button(page)


def test_a_clean_clip_page_mentions_no_problem(web, user):
    page = web.get(reverse("clips:detail", args=[ClipFactory(owner=user, code=SIMPLE_CODE).pk])).content.decode()
    assert "fails the check on save" not in page


@pytest.mark.parametrize("model, factory", [("clips_clip", ClipFactory), ("generations_generation", GenerationFactory)])
def test_the_admin_shows_and_filters_marked_rows(admin_client, model, factory):
    marked, clean = factory(code=FETCHING, code_problem=MARK), factory()
    change = admin_client.get(reverse(f"admin:{model}_change", args=[marked.pk])).content.decode()
    assert "code_forbidden_api, line 2, column 3: `fetch` is not allowed in generated code." in change

    listed = admin_client.get(reverse(f"admin:{model}_changelist"), {"code_problem": "yes"}).content.decode()
    assert f"/{marked.pk}/change/" in listed and f"/{clean.pk}/change/" not in listed
