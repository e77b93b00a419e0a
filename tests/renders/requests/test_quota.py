"""The hourly render quota: rolling window, exact under concurrency."""
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from config.api.exceptions import ApplicationError
from renders.models import Render, RenderCharge
from renders.requests import services
from renders.requests.quota import quota_status
from tests.concurrency import run_at_once
from tests.factories import ClipFactory


def request(user, clip):
    return services.render_request(user=user, kind="clip", target=clip, size=(320, 180))


@pytest.mark.django_db
def test_the_window_rolls_renders_older_than_an_hour_stop_counting(fake_lambda, user):
    clip = ClipFactory(owner=user)
    for _ in range(5):
        request(user, clip)
    with pytest.raises(ApplicationError) as excinfo:
        request(user, clip)
    assert excinfo.value.code == "quota_exceeded" and excinfo.value.status_code == 429

    oldest = Render.objects.order_by("created_at").first()
    an_hour_ago = timezone.now() - timedelta(hours=1, seconds=1)
    RenderCharge.objects.filter(render=oldest).update(created_at=an_hour_ago)
    status = quota_status(user)
    assert (status.used, status.remaining) == (4, 1)
    assert request(user, clip).pk


@pytest.mark.django_db
def test_resets_at_is_when_the_oldest_counted_render_leaves_the_window(fake_lambda, user):
    clip = ClipFactory(owner=user)
    assert quota_status(user).resets_at is None
    first = request(user, clip)
    request(user, clip)
    assert quota_status(user).resets_at == first.created_at + timedelta(hours=1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_requests_from_one_user_give_exactly_five(fake_lambda, user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for real row locks")
    clip = ClipFactory(owner=user)
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            request(user, clip)
            outcomes.append("accepted")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    run_at_once(*[attempt] * 20)
    assert outcomes.count("accepted") == 5
    assert outcomes.count("quota_exceeded") == 15
    assert Render.objects.filter(owner=user).count() == 5
