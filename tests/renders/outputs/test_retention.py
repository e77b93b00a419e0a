"""Renders outlive their targets; deleting a render deletes its output; old outputs expire.

Lambda outputs live in the moto S3 bucket the fake Remotion Lambda writes to, reached by
real boto3; the queued deletion task is taken off the in-memory broker and run.
"""
import logging
import os
import time
import urllib.request
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renders import tasks
from renders.lifecycle import starts, transitions
from renders.models import Render, RenderEvent
from renders.requests import services
from tests.factories import ClipFactory, GenerationFactory, MovieFactory, RenderFactory, UserFactory
from tests.fakes.remotion_farm import Progress
from tests.renders.queued_tasks import drain

pytestmark = pytest.mark.django_db


_running = {}  # the test's fake farm, for lambda_render() to move its renders on


@pytest.fixture
def farm(fake_lambda):
    drain()
    _running["farm"] = fake_lambda.farm
    yield fake_lambda
    _running.clear()


def lambda_render(owner, target=None, kind="clip", *, finish=True):
    target = target or ClipFactory(owner=owner, duration_in_frames=30)
    render = services.render_request(user=owner, kind=kind, target=target, size=(320, 180))
    starts.render_start(render.pk)
    if finish:
        _running["farm"].advance()  # the fake's default script: 50%,
        _running["farm"].advance()  # then done
        transitions.render_refresh(Render.objects.get(pk=render.pk))
    render.refresh_from_db()
    return render


def farm_keys(farm, render):
    listed = farm.farm.s3.list_objects_v2(Bucket=render.farm_bucket, Prefix=f"renders/{render.farm_render_id}/")
    return sorted(obj["Key"] for obj in listed.get("Contents", []))


def run_queued_deletions():
    outputs = [args[0] for task, args in drain() if task == "renders.tasks.delete_render_output"]
    for output in outputs:
        tasks.delete_render_output(output)
    return outputs


# --- Deleting a target keeps its renders -----------------------------------------------


@pytest.mark.parametrize("kind", ["clip", "movie", "generation"])
def test_deleting_the_target_keeps_its_renders_listed_and_downloadable(api, user, farm, kind):
    if kind == "movie":
        from tests.factories import movie_with_clips

        target = movie_with_clips(30, owner=user)
    else:
        target = {"clip": ClipFactory, "generation": GenerationFactory}[kind](owner=user, duration_in_frames=30)
    render = lambda_render(user, target, kind)
    assert render.status == "complete"

    assert api.delete(f"/api/{kind}s/{target.pk}/").status_code == 204

    listed = api.get("/api/renders/").json()["results"]
    assert [(row["id"], row["kind"], row[kind], row["target_deleted"]) for row in listed] == [
        (render.pk, kind, None, True)
    ]
    download = api.get(f"/api/renders/{render.pk}/download/")
    assert download.status_code == 302
    with urllib.request.urlopen(download["Location"]) as video:
        assert video.read()[4:8] == b"ftyp"


def test_pages_and_admin_show_a_deleted_target(web, admin_client, user):
    render = RenderFactory(clip=ClipFactory(owner=user), status="complete")
    render.clip.delete()
    assert "(deleted)" in web.get(reverse("renders:list")).content.decode()
    assert "(deleted)" in web.get(reverse("renders:detail", args=[render.pk])).content.decode()
    assert "clip (deleted)" in admin_client.get(reverse("admin:renders_render_changelist")).content.decode()
    assert admin_client.get(reverse("admin:renders_render_change", args=[render.pk])).status_code == 200


def test_a_render_of_a_deleted_target_can_be_retried_from_its_snapshot(api, user, farm):
    render = RenderFactory(clip=ClipFactory(owner=user, duration_in_frames=30), status="failed", backend="lambda")
    render.clip.delete()
    response = api.post(f"/api/renders/{render.pk}/retry/")
    assert response.status_code == 202
    assert response.json()["kind"] == "clip" and response.json()["target_deleted"] is True


def test_the_database_refuses_two_targets_but_accepts_none():
    from django.db import IntegrityError, transaction

    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RenderFactory(clip=ClipFactory(owner=user), movie=MovieFactory(owner=user))
    RenderFactory(clip=ClipFactory(owner=user)).clip.delete()
    assert Render.objects.filter(clip__isnull=True, kind="clip").count() == 1


# --- Deleting a render deletes its output -----------------------------------------------


def test_deleting_a_lambda_render_deletes_its_objects_after_the_commit(
    api, user, farm, django_capture_on_commit_callbacks
):
    render = lambda_render(user)
    assert f"renders/{render.farm_render_id}/montage-render-{render.pk}.mp4" in farm_keys(farm, render)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.delete(f"/api/renders/{render.pk}/")
    assert response.status_code == 204
    assert not Render.objects.filter(pk=render.pk).exists()
    assert not RenderEvent.objects.filter(render_id=render.pk).exists()
    # Storage is untouched until the deletion commits.
    assert farm_keys(farm, render) != []

    for callback in callbacks:
        callback()
    assert [output["id"] for output in run_queued_deletions()] == [render.pk]
    assert farm_keys(farm, render) == []
    assert api.get(f"/api/renders/{render.pk}/").status_code == 404


def test_deleting_a_live_render_cancels_it_on_the_farm_first(
    api, user, farm, django_capture_on_commit_callbacks
):
    farm.farm.script_next_render(Progress(0.3))
    render = lambda_render(user, finish=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/renders/{render.pk}/").status_code == 204
    assert f"renders/{render.farm_render_id}/cancel.json" in farm_keys(farm, render)
    run_queued_deletions()
    assert farm_keys(farm, render) == []


def test_another_users_render_cannot_be_deleted(api, other_user):
    render = RenderFactory(clip=ClipFactory(owner=other_user), status="complete")
    assert api.delete(f"/api/renders/{render.pk}/").status_code == 404
    assert Render.objects.filter(pk=render.pk).exists()


def test_a_storage_failure_is_logged_and_retried_and_the_row_stays_deleted(
    api, user, farm, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    render = lambda_render(user)
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/renders/{render.pk}/")
    (output,) = [args[0] for _, args in drain()]

    s3_endpoint = os.environ["AWS_ENDPOINT_URL_S3"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")  # nothing listens: refused
    with caplog.at_level(logging.WARNING, logger="renders.tasks"):
        result = tasks.delete_render_output.apply(args=[output])
    assert result.failed()
    retries = [r for r in caplog.records if "Deleting the output of render" in r.getMessage()]
    assert len(retries) == tasks.delete_render_output.max_retries + 1
    assert not Render.objects.filter(pk=render.pk).exists()

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    assert tasks.delete_render_output.apply(args=[output]).successful()
    assert farm_keys(farm, render) == []


def test_a_refusal_from_storage_is_logged_and_not_retried(farm, caplog):
    output = {"id": 7, "backend": "lambda", "farm_render_id": "abc123", "farm_bucket": "no-such-bucket",
              "output_bucket": "", "output_key": ""}
    with caplog.at_level(logging.WARNING, logger="renders.tasks"):
        assert tasks.delete_render_output.apply(args=[output]).successful()
    (record,) = [r for r in caplog.records if "render 7" in r.getMessage()]
    assert record.levelno == logging.ERROR and "NoSuchBucket" in record.getMessage()


def test_admin_delete_and_bulk_delete_go_through_the_service(admin_client, farm, django_capture_on_commit_callbacks):
    owner = UserFactory()
    one, two, three = (lambda_render(owner) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:renders_render_delete", args=[one.pk]), {"post": "yes"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:renders_render_changelist"),
            {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
        )
    assert not Render.objects.exists()
    assert sorted(output["id"] for output in run_queued_deletions()) == sorted([one.pk, two.pk, three.pk])
    assert all(farm_keys(farm, render) == [] for render in (one, two, three))


@pytest.mark.render
def test_deleting_a_local_render_deletes_its_file_and_work_folder(
    api, user, local_backend, settings, django_capture_on_commit_callbacks
):
    from tests.local_render import clip_render, start, wait_final

    drain()
    render = clip_render(SIMPLE_CODE_FRAMES, frames=3)
    Render.objects.filter(pk=render.pk).update(owner=user)
    start(local_backend, render)
    Render.objects.filter(pk=render.pk).update(status="rendering")
    assert transitions.render_complete(render.pk, wait_final(local_backend, render))
    render.refresh_from_db()
    video = settings.MEDIA_ROOT / render.output_key
    work = settings.LOCAL_RENDER_DIR.resolve() / str(render.pk)
    assert video.is_file() and work.is_dir()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/renders/{render.pk}/").status_code == 204
    run_queued_deletions()
    assert not video.exists() and not work.exists()


SIMPLE_CODE_FRAMES = """import {AbsoluteFill} from 'remotion';
export default () => <AbsoluteFill style={{backgroundColor: 'teal'}} />;
"""


# --- Retention ---------------------------------------------------------------------------


def test_the_retention_sweep_expires_old_outputs_and_keeps_the_rows(
    api, user, farm, settings, django_capture_on_commit_callbacks
):
    settings.RENDER_RETENTION_DAYS = 7
    old, recent = lambda_render(user), lambda_render(user)
    Render.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=8))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_render_outputs()
    assert [output["id"] for output in run_queued_deletions()] == [old.pk]
    assert farm_keys(farm, old) == [] and farm_keys(farm, recent) != []

    old.refresh_from_db()
    assert old.output_expired_at is not None
    assert old.events.filter(kind=RenderEvent.Kind.EXPIRED).exists()
    download = api.get(f"/api/renders/{old.pk}/download/")
    assert (download.status_code, download.json()["code"]) == (410, "output_expired")
    detail = api.get(f"/api/renders/{old.pk}/").json()
    assert detail["download_url"] is None and detail["output_expired_at"]
    assert api.get(f"/api/renders/{recent.pk}/download/").status_code == 302

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.expire_render_outputs()  # a second sweep finds nothing more to do
    assert callbacks == [] and drain() == []


def test_without_retention_nothing_expires(user, settings):
    settings.RENDER_RETENTION_DAYS = 0
    render = RenderFactory(owner=user, status="complete", completed_at=timezone.now() - timedelta(days=3650))
    tasks.expire_render_outputs()
    render.refresh_from_db()
    assert render.output_expired_at is None


@pytest.mark.parametrize("days, delete_after", [(7, "7-days"), (1, "1-day"), (30, "30-days"), (10, None), (0, None)])
def test_lambda_renders_carry_remotions_delete_after_when_it_matches(user, farm, settings, days, delete_after):
    settings.RENDER_RETENTION_DAYS = days
    render = lambda_render(user, finish=False)
    (start,) = farm.invocations_of("start")
    assert start.payload["deleteAfter"] == delete_after
    if delete_after:
        assert render.farm_render_id.startswith(f"{delete_after}-")


def test_beat_runs_the_expiry_and_the_key_pruning_hourly(settings):
    from config.celery import app

    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("renders.tasks.expire_render_outputs", "renders.tasks.prune_idempotency_keys"):
        assert name in app.tasks and scheduled[name] == 3600.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_render_deleted_while_the_farm_starts_it_leaves_no_files(farm):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the start runs in another thread with its own connection (set DATABASE_URL)")
    owner = UserFactory()
    render = services.render_request(user=owner, kind="clip", target=ClipFactory(owner=owner), size=(320, 180))
    farm.delay_reply("start", 1.5)

    def start():
        try:
            starts.render_start(render.pk)
        finally:
            connections.close_all()

    starting = threading.Thread(target=start)
    starting.start()
    deadline = time.monotonic() + 30
    while not farm.invocations_of("start"):  # wait until the farm has it; its reply is held back
        assert time.monotonic() < deadline, "the start never reached the farm"
        time.sleep(0.01)
    services.render_delete(render=render)  # pending: nothing on the farm is known yet
    starting.join()

    (farm_render,) = farm.farm.renders.values()
    listed = farm.farm.s3.list_objects_v2(Bucket=farm_render.bucket, Prefix=f"renders/{farm_render.render_id}/")
    assert listed.get("KeyCount", 0) == 0
    assert not Render.objects.filter(pk=render.pk).exists()
