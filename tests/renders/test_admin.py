"""The renders console: lists without per-row queries, filters, search, and actions that
go through the same services as the API (here against the fake Remotion Lambda)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from movies.models import Scene
from renders.lifecycle import starts, transitions
from renders.models import Render
from renders.requests import services
from tests.factories import ClipFactory, MovieFactory, RenderFactory, RenderHostFactory, UserFactory
from tests.fakes.remotion_farm import Fatal, Progress

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:renders_render_changelist")


@pytest.fixture(autouse=True)
def farm(fake_lambda):
    return fake_lambda


def new_render():
    owner = UserFactory()
    return services.render_request(user=owner, kind="clip", target=ClipFactory(owner=owner), size=(320, 180))


def act(admin_client, action, *renders):
    return admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in renders]}, follow=True
    )


def test_changelist_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    new_render()
    with django_assert_max_num_queries(99) as one_row:
        assert admin_client.get(CHANGELIST).status_code == 200
    rows = [new_render() for _ in range(8)]
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        page = admin_client.get(CHANGELIST).content.decode()
    assert all(f"/renders/render/{row.pk}/change/" in page for row in rows)


def test_filters_and_search_by_farm_id_and_owner(admin_client):
    started, waiting = new_render(), new_render()
    starts.render_start(started.pk)
    started.refresh_from_db()

    def listed(params):
        page = admin_client.get(CHANGELIST, params).content.decode()
        return {r.pk for r in (started, waiting) if f"/renders/render/{r.pk}/change/" in page}

    assert listed({"q": started.farm_render_id}) == {started.pk}
    assert listed({"q": waiting.owner.username}) == {waiting.pk}
    assert listed({"status__exact": "rendering"}) == {started.pk}
    assert listed({"backend__exact": "lambda", "kind__exact": "clip"}) == {started.pk, waiting.pk}
    assert listed({"has_error": "yes"}) == set()


def test_change_page_shows_the_snapshot_and_history_read_only(admin_client):
    render = new_render()
    page = admin_client.get(reverse("admin:renders_render_change", args=[render.pk])).content.decode()
    assert "DynamicCode" in page and "durationInFrames" in page and "Requested 320x180" in page
    assert 'name="status"' not in page and 'name="input_props"' not in page


def test_refresh_progress_now_polls_the_farm(admin_client, farm):
    farm.farm.script_next_render(Progress(0.42))
    render = new_render()
    starts.render_start(render.pk)
    farm.farm.advance()
    act(admin_client, "refresh_progress", render)
    assert Render.objects.get(pk=render.pk).progress == 48  # 37 of 90 frames, in Remotion's weighting


def test_mark_failed_ends_the_render_and_stops_the_farm(admin_client, farm):
    render = new_render()
    starts.render_start(render.pk)
    render.refresh_from_db()
    act(admin_client, "mark_failed", render)
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "failed_by_staff")
    assert farm.farm.s3.get_object(Bucket=render.farm_bucket, Key=f"renders/{render.farm_render_id}/cancel.json")


def test_retry_and_cancel_actions_follow_the_state_rules(admin_client, farm):
    farm.farm.script_next_render(Fatal("chunk 2 crashed"))
    failed = new_render()
    starts.render_start(failed.pk)
    farm.farm.advance()
    transitions.render_refresh(Render.objects.get(pk=failed.pk))
    live = new_render()

    response = act(admin_client, "retry_renders", failed, live)
    assert Render.objects.filter(retry_of=failed).count() == 1
    assert "Only a failed or cancelled render can be retried." in response.content.decode()

    act(admin_client, "cancel_renders", live)
    assert Render.objects.get(pk=live.pk).status == "cancelled"


HOSTS = reverse("admin:renders_renderhost_changelist")


def test_hosts_list_their_live_renders_and_whether_they_are_alive(
    admin_client, django_assert_max_num_queries, settings
):
    settings.RENDER_HOST_LOST_AFTER_SECONDS = 60
    busy = RenderHostFactory(name="busy-box", slots=2)
    RenderHostFactory(name="quiet-box", last_heartbeat_at=timezone.now() - timedelta(minutes=5))
    for status in ("rendering", "pending", "complete"):
        RenderFactory(host=busy, status=status, claimed_at=timezone.now())

    with django_assert_max_num_queries(99) as two_rows:
        page = admin_client.get(HOSTS).content.decode()
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("busy-box", "quiet-box")}
    assert '<td class="field-live_renders">2</td>' in rows["busy-box"]
    assert 'alt="True"' in rows["busy-box"] and 'alt="False"' in rows["quiet-box"]

    for _ in range(5):
        RenderFactory(host=RenderHostFactory(), status="rendering", claimed_at=timezone.now())
    with django_assert_max_num_queries(len(two_rows.captured_queries)):
        assert admin_client.get(HOSTS).status_code == 200


def test_renders_show_and_filter_by_their_host(admin_client):
    host = RenderHostFactory(name="render-box-7")
    on_host, elsewhere = RenderFactory(host=host), RenderFactory()

    page = admin_client.get(CHANGELIST, {"host__id__exact": host.pk}).content.decode()

    assert f"/renders/render/{on_host.pk}/change/" in page and "render-box-7" in page
    assert f"/renders/render/{elsewhere.pk}/change/" not in page


def test_refreshing_a_render_another_host_runs_says_so_instead_of_polling_it(admin_client, settings):
    settings.RENDER_HOST_NAME = "web-box"
    render = RenderFactory(host=RenderHostFactory(name="render-box-2"), status="rendering", claimed_at=timezone.now())

    page = act(admin_client, "refresh_progress", render).content.decode()

    assert f"Render {render.pk}: it runs on render host render-box-2, which polls it every few seconds." in page
    assert Render.objects.get(pk=render.pk).poll_count == 0


def test_the_render_page_shows_code_as_code_times_to_the_second_and_no_save_button(admin_client):
    render = new_render()
    Render.objects.filter(pk=render.pk).update(created_at=timezone.now().replace(hour=9, minute=5, second=42))
    page = admin_client.get(reverse("admin:renders_render_change", args=[render.pk])).content.decode()

    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert "09:05:42" in page
    code_line = render.clip.code.splitlines()[0]
    assert code_line.replace("'", "&#x27;") in page  # the code itself, HTML-escaped, not a JSON string
    assert "&quot;code&quot;: &quot;(above)&quot;" in page


def test_a_movie_renders_scenes_show_each_scenes_code(admin_client):
    owner = UserFactory()
    movie = MovieFactory(owner=owner)
    for position in range(2):
        clip = ClipFactory(owner=owner, name=f"S{position}")
        Scene.objects.create(movie=movie, clip=clip, position=position)
    render = services.render_request(user=owner, kind="movie", target=movie, size=(320, 180))
    page = admin_client.get(reverse("admin:renders_render_change", args=[render.pk])).content.decode()
    assert "<p>Scene 1</p><pre" in page and "<p>Scene 2</p><pre" in page


def test_the_host_page_is_read_only_to_the_second(admin_client):
    host = RenderHostFactory(last_heartbeat_at=timezone.now().replace(hour=9, minute=5, second=7))
    page = admin_client.get(reverse("admin:renders_renderhost_change", args=[host.pk])).content.decode()
    assert 'name="_save"' not in page and "09:05:07" in page


def test_a_code_failure_shows_the_failing_line_and_the_renderers_output(admin_client):
    render = RenderFactory(
        clip=ClipFactory(code="const a = 1;\nconst size = config.size;\nexport default () => null;\n"),
        status="failed",
        error_code="code_error",
        error_message="Code error: config is not defined (line 2, column 14)",
        renderer_output="Render failed: Code error: config is not defined\n    at compileWhenRendering (bundle.js:1:2)",
    )
    page = admin_client.get(reverse("admin:renders_render_change", args=[render.pk])).content.decode()
    assert "line 2, column 14:" in page and "const size = config.size;</pre>" in page
    assert "at compileWhenRendering (bundle.js:1:2)" in page
