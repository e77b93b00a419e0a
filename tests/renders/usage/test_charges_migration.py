"""The ledger's migration writes a line for every render that existed before it."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("renders", "0006_render_batch_polls")]
AFTER = [("renders", "0007_render_charge_ledger")]


@pytest.mark.django_db(transaction=True)
def test_existing_renders_get_their_ledger_lines_as_quota_and_usage_counted_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("auth", "User").objects.create(username="before-ledger")
    Render = apps.get_model("renders", "Render")
    common = {
        "owner": user, "kind": "clip", "backend": "local", "composition_id": "DynamicCode",
        "input_props": {}, "width": 320, "height": 180, "fps": 30, "duration_in_frames": 45,
    }
    cost = {"estimated_cost": Decimal("0.01"), "cost_currency": "USD"}
    done = Render.objects.create(status="complete", **cost, **common)
    code_failed = Render.objects.create(status="failed", error_code="code_error", **common)
    unquoted = Render.objects.create(status="pending", charged=False, **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    RenderCharge = executor.loader.project_state(AFTER).apps.get_model("renders", "RenderCharge")
    lines = {line.render_id: line for line in RenderCharge.objects.all()}

    assert set(lines) == {done.pk, code_failed.pk, unquoted.pk}
    line = lines[done.pk]
    assert (line.complete, line.quota_counted, line.video_seconds) == (True, True, 1.5)
    assert line.estimated_cost == Decimal("0.01") and line.created_at == done.created_at
    assert not lines[code_failed.pk].quota_counted and not lines[code_failed.pk].complete
    assert not lines[unquoted.pk].quota_counted
    # Leave the schema as the rest of the suite expects it, whatever came after 0007.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
