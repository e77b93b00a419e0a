from io import StringIO

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    schema_file = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file), stderr=StringIO())

    paths = yaml.safe_load(schema_file.read_text())["paths"]
    assert set(paths["/api/movies/{id}/scenes/{scene_id}/"]) >= {"patch", "delete"}
    assert "/api/generations/{id}/save-as-clip/" in paths


@pytest.mark.django_db
def test_docs_page_is_served_with_local_assets(api):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    assert b"cdn." not in page.content
