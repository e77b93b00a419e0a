"""What renders cost: the stored Lambda cost, the user's usage endpoint, the admin report."""
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from renders.lifecycle import starts, transitions
from renders.models import Render, RenderCharge
from renders.requests import services
from tests.factories import ClipFactory, RenderFactory, UserFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("admin:renders_renderusage_changelist")


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=dt_timezone.utc)


def billed(owner, created_at, *, frames=60, fps=30, cost="0.0100", currency="USD", status="complete"):
    render = RenderFactory(
        clip=ClipFactory(owner=owner, fps=fps, duration_in_frames=frames),
        status=status,
        estimated_cost=None if cost is None else Decimal(cost),
        cost_currency=currency if cost is not None else "",
    )
    Render.objects.filter(pk=render.pk).update(created_at=created_at)
    RenderCharge.objects.filter(render=render).update(created_at=created_at)
    return render


def test_a_finished_lambda_render_stores_the_cost_remotion_reported(fake_lambda, user):
    render = services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))
    starts.render_start(render.pk)
    fake_lambda.farm.advance()
    fake_lambda.farm.advance()
    transitions.render_refresh(Render.objects.get(pk=render.pk))
    render.refresh_from_db()
    assert render.status == "complete"
    assert render.estimated_cost > 0 and render.cost_currency == "USD"


def test_usage_adds_up_the_users_renders_in_the_period(api, user, other_user):
    billed(user, at(2026, 5, 2), frames=60, fps=30, cost="0.0100")
    billed(user, at(2026, 5, 31, 23), frames=45, fps=30, cost="0.0025")
    billed(user, at(2026, 5, 20), frames=90, cost="0.0040", status="failed")  # billed, no video
    billed(user, at(2026, 5, 21), cost=None, status="cancelled")
    billed(user, at(2026, 5, 22), cost="1.5", currency="EUR")
    billed(user, at(2026, 6, 1, 0), cost="9")  # the next day, outside
    billed(other_user, at(2026, 5, 2), cost="9")

    response = api.get("/api/renders/usage/", {"from": "2026-05-01", "to": "2026-05-31"})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-05-01T00:00:00Z",
        "end": "2026-06-01T00:00:00Z",
        "renders": 5,
        "complete": 3,
        "video_seconds": 2.0 + 1.5 + 2.0,
        "cost": {"EUR": "1.500000", "USD": "0.016500"},
    }


def test_usage_accepts_datetimes_as_an_exclusive_end(api, user):
    billed(user, at(2026, 5, 2, 10))
    billed(user, at(2026, 5, 2, 11))
    response = api.get("/api/renders/usage/", {"from": "2026-05-02T09:00:00Z", "to": "2026-05-02T11:00:00Z"})
    assert response.json()["renders"] == 1


def test_usage_defaults_to_the_current_month(api, user):
    billed(user, timezone.now() - timedelta(seconds=5))
    billed(user, timezone.now() - timedelta(days=40))
    body = api.get("/api/renders/usage/").json()
    assert body["renders"] == 1
    assert body["start"].endswith("-01T00:00:00Z")


@pytest.mark.parametrize(
    "params, code",
    [
        ({"from": "yesterday"}, "invalid_date"),
        ({"from": "2026-02-30"}, "invalid_date"),
        ({"to": "2026-13-01T00:00:00Z"}, "invalid_date"),
        ({"from": "2026-05-10", "to": "2026-05-01"}, "invalid_period"),
        ({"from": "2026-05-01T10:00:00Z", "to": "2026-05-01T10:00:00Z"}, "invalid_period"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "period_too_long"),
    ],
)
def test_a_bad_period_is_a_400_with_a_stable_code(api, params, code):
    response = api.get("/api/renders/usage/", params)
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_usage_needs_a_login(anon_api):
    assert anon_api.get("/api/renders/usage/").status_code in (401, 403)


def test_usage_costs_two_queries_whatever_the_number_of_renders(api, user, django_assert_num_queries):
    for day in range(1, 11):
        billed(user, at(2026, 5, day))
    with django_assert_num_queries(2 + 1):  # + the token lookup
        api.get("/api/renders/usage/", {"from": "2026-05-01", "to": "2026-05-31"})


def test_the_admin_report_shows_per_user_totals_for_the_period(admin_client):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    now = timezone.now()
    billed(alice, now - timedelta(minutes=5), frames=60, fps=30, cost="0.0100")
    billed(alice, now - timedelta(minutes=4), frames=30, fps=30, cost="0.0020")
    billed(bob, now - timedelta(minutes=3), cost=None, status="failed")
    billed(bob, now - timedelta(days=400), cost="5")

    page = admin_client.get(REPORT, {"period": "last_7_days"}).content.decode()
    rows = {name: _row(page, name) for name in ("alice", "bob")}
    assert "2" in rows["alice"] and "3.0 s" in rows["alice"] and "0.0120 USD" in rows["alice"]
    assert "0.0 s" in rows["bob"] and "5.0000" not in rows["bob"]

    this_year = admin_client.get(REPORT, {"period": "this_year"}).content.decode()
    assert "5.0000" not in this_year


def test_the_admin_report_query_count_does_not_grow_with_users(admin_client, django_assert_max_num_queries):
    now = timezone.now()
    billed(UserFactory(), now)
    with django_assert_max_num_queries(99) as one_user:
        assert admin_client.get(REPORT).status_code == 200
    for _ in range(10):
        owner = UserFactory()
        billed(owner, now)
        billed(owner, now, status="failed")
    with django_assert_max_num_queries(len(one_user.captured_queries)):
        page = admin_client.get(REPORT).content.decode()
    assert page.count("0.0200 USD") == 10


def _row(page, username):
    start = page.index(f">{username}<")
    return page[start : page.index("</tr>", start)]


def test_the_admin_report_takes_any_date_range_and_explains_a_bad_one(admin_client):
    carol = UserFactory(username="carol")
    billed(carol, at(2025, 3, 10), cost="0.5000")
    billed(carol, at(2025, 3, 31, 23), cost="0.2500")
    billed(carol, at(2025, 4, 1, 0), cost="9")

    march = admin_client.get(REPORT, {"from": "2025-03-01", "to": "2025-03-31"}).content.decode()
    assert "0.7500 USD" in _row(march, "carol")
    assert "2025-03-01 00:00" in march and "2025-04-01 00:00" in march

    backwards = admin_client.get(REPORT, {"from": "2025-03-31", "to": "2025-03-01"}, follow=True)
    assert backwards.status_code == 200
    assert "`to` must be after `from`." in backwards.content.decode()
    assert ">carol<" not in backwards.content.decode()  # this month instead: nothing of hers


def test_deleting_a_render_leaves_quota_usage_and_cost_as_they_were(fake_lambda, api, user, admin_client):
    """Render, download, delete: the quota slot, the seconds and the cost stay spent."""
    clip = ClipFactory(owner=user, fps=30, duration_in_frames=60)
    created = api.post(f"/api/clips/{clip.pk}/render/", {"width": 320, "height": 180}, format="json")
    render_id = created.json()["id"]
    starts.render_start(render_id)
    fake_lambda.farm.advance()
    fake_lambda.farm.advance()
    transitions.render_refresh(Render.objects.get(pk=render_id))
    assert api.get(f"/api/renders/{render_id}/download/").status_code in (200, 302)
    before = _accounts(api, admin_client, user)
    assert before["quota"]["used"] == 1 and before["usage"]["complete"] == 1

    assert api.delete(f"/api/renders/{render_id}/").status_code == 204

    assert not Render.objects.filter(pk=render_id).exists()
    assert _accounts(api, admin_client, user) == before
    assert RenderCharge.objects.get(owner=user).render_id is None


def test_a_deleted_render_that_its_code_failed_stays_uncharged(api, user):
    render = RenderFactory(clip=ClipFactory(owner=user))
    transitions.render_fail(render.pk, "code_error", "Code error: boom")
    assert api.get("/api/renders/quota/").json()["used"] == 0
    assert api.delete(f"/api/renders/{render.pk}/").status_code == 204
    assert api.get("/api/renders/quota/").json()["used"] == 0
    assert api.get("/api/renders/usage/").json()["renders"] == 1


def _accounts(api, admin_client, user):
    report = admin_client.get(REPORT, {"period": "last_7_days"}).content.decode()
    today = timezone.localdate().isoformat()
    usage = api.get("/api/renders/usage/", {"from": today, "to": today}).json()
    assert usage["cost"]["USD"]
    return {
        "quota": api.get("/api/renders/quota/").json(),
        "usage": usage,
        "report": _row(report, user.username),
    }
