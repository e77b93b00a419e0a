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


@pytest.mark.django_db
def test_every_error_response_is_the_one_error_shape_with_its_codes(tmp_path):
    schema_file = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(schema_file), stderr=StringIO())
    paths = yaml.safe_load(schema_file.read_text())["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and status != "416":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
                    assert "`code` is one of: `" in response["description"], (method, path, status)
    render = paths["/api/clips/{id}/render/"]["post"]["responses"]
    assert "`quota_exceeded`" in render["429"]["description"]
    assert "`code_forbidden_api`" in render["400"]["description"]
    assert set(paths["/api/clips/"]["get"]["responses"]) == {"200", "400", "401", "404"}
    download = paths["/api/renders/{id}/download/"]["get"]["responses"]
    assert "`render_not_complete`" in download["409"]["description"]
