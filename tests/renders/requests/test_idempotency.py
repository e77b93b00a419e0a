"""Idempotency-Key on render requests: one render, one charge and one farm start per key."""
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from renders.models import Render, RenderRequestKey
from renders.requests import idempotency
from renders.requests.quota import quota_status
from tests.concurrency import run_at_once
from tests.factories import ClipFactory, RenderFactory
from tests.renders.queued_tasks import drain, run_queued_starts

SMALL = {"width": 320, "height": 180}


@pytest.fixture(autouse=True)
def farm(fake_lambda):
    drain()  # what earlier tests left on the in-memory broker is not ours to count
    return fake_lambda


@pytest.fixture
def clip(user):
    return ClipFactory(owner=user, duration_in_frames=30)


def post_render(client, clip, key, body=SMALL):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(f"/api/clips/{clip.pk}/render/", body, format="json", **headers)


@pytest.mark.django_db(transaction=True)
def test_the_same_key_twice_answers_the_first_render_with_one_charge_and_one_start(api, user, clip, farm):
    first = post_render(api, clip, "order-42")
    second = post_render(api, clip, "order-42")

    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first["Location"] == second["Location"] == f"http://testserver/api/renders/{first.json()['id']}/"
    assert Render.objects.count() == 1
    assert quota_status(user).used == 1
    assert run_queued_starts() == [first.json()["id"]]
    assert len(farm.invocations_of("start")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_repeat_is_answered_even_when_the_quota_is_now_spent(api, user, clip, settings):
    settings.RENDER_QUOTA_PER_HOUR = 1
    first = post_render(api, clip, "k1")
    assert post_render(api, clip, None).status_code == 429
    repeat = post_render(api, clip, "k1")
    assert (repeat.status_code, repeat.json()["id"]) == (200, first.json()["id"])


@pytest.mark.django_db
@pytest.mark.parametrize("other_body", [{"width": 640, "height": 360}, "other-clip"])
def test_the_same_key_for_another_request_is_409_and_creates_nothing(api, user, clip, other_body):
    assert post_render(api, clip, "k1").status_code == 202
    if other_body == "other-clip":
        response = post_render(api, ClipFactory(owner=user, duration_in_frames=30), "k1")
    else:
        response = post_render(api, clip, "k1", other_body)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Render.objects.count() == 1


@pytest.mark.django_db
def test_the_same_body_in_another_order_is_the_same_request(api, clip):
    first = api.post(f"/api/clips/{clip.pk}/render/", '{"width": 320, "height": 180}',
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    second = api.post(f"/api/clips/{clip.pk}/render/", '{"height":180,"width":320}',
                      content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert (first.status_code, second.status_code) == (202, 200)


@pytest.mark.django_db
def test_another_users_same_key_is_independent(api, clip, other_user):
    other_api = APIClient()
    other_api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")
    other_clip = ClipFactory(owner=other_user, duration_in_frames=30)

    mine = post_render(api, clip, "shared-key")
    theirs = post_render(other_api, other_clip, "shared-key")
    assert (mine.status_code, theirs.status_code) == (202, 202)
    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tinside", "ünïcode", " padded "])
def test_a_malformed_key_is_a_400_with_a_stable_code(api, clip, key):
    response = post_render(api, clip, key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Render.objects.exists()


@pytest.mark.django_db
def test_a_key_older_than_24_hours_is_free_again(api, clip):
    first = post_render(api, clip, "daily").json()["id"]
    RenderRequestKey.objects.update(created_at=timezone.now() - idempotency.KEY_TTL - timedelta(seconds=1))
    again = post_render(api, clip, "daily", {"width": 640, "height": 360})
    assert again.status_code == 202 and again.json()["id"] != first
    assert RenderRequestKey.objects.get().render_id == again.json()["id"]


@pytest.mark.django_db
def test_pruning_forgets_only_expired_keys(user):
    old, fresh = RenderFactory(owner=user), RenderFactory(owner=user)
    RenderRequestKey.objects.create(owner=user, key="old", fingerprint="f", render=old)
    RenderRequestKey.objects.create(owner=user, key="fresh", fingerprint="f", render=fresh)
    RenderRequestKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.idempotency_keys_prune() == 1
    assert list(RenderRequestKey.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.django_db
def test_retry_with_a_key_makes_one_retry(api, user):
    failed = RenderFactory(owner=user, clip=ClipFactory(owner=user, duration_in_frames=30), status="failed")
    first = api.post(f"/api/renders/{failed.pk}/retry/", HTTP_IDEMPOTENCY_KEY="retry-1")
    second = api.post(f"/api/renders/{failed.pk}/retry/", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"] and first["Location"].endswith(f"/{first.json()['id']}/")
    assert Render.objects.filter(retry_of=failed).count() == 1
    # The key names one request: a render request with it now is another request.
    clash = post_render(api, ClipFactory(owner=user, duration_in_frames=30), "retry-1")
    assert clash.status_code == 409


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_the_same_time_makes_one_render_and_one_start(user, clip, farm, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the unique index wait is only real on PostgreSQL (set DATABASE_URL)")
    # One render left this hour: a repeat must get the first render, not a quota refusal.
    settings.RENDER_QUOTA_PER_HOUR = 1
    token = Token.objects.create(user=user).key
    senders = 8
    barrier = threading.Barrier(senders)
    answers, errors = [], []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            response = post_render(client, clip, "double-click")
            answers.append((response.status_code, response.json()["id"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    run_at_once(*[send] * senders)

    assert errors == []
    assert sorted(status for status, _ in answers) == [200] * (senders - 1) + [202]
    assert len({render_id for _, render_id in answers}) == 1
    assert Render.objects.count() == 1 and quota_status(user).used == 1
    assert len(run_queued_starts()) == 1
    assert len(farm.invocations_of("start")) == 1
