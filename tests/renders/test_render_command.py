import pytest
from django.core.management import CommandError, call_command

from renders.models import Render
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Done, Fatal, Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm_clock(fake_lambda):
    """The farm's renders move on by themselves while the command waits."""
    stop = fake_lambda.farm.run_clock(0.2)
    yield
    stop()


def test_render_wait_drives_the_render_and_prints_where_the_output_is(fake_lambda, farm_clock, capsys):
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    clip = ClipFactory(duration_in_frames=30)
    call_command("render", "clip", str(clip.pk), "--wait", "--width", "320", "--height", "180")
    out = capsys.readouterr().out
    render = Render.objects.get()
    assert render.status == "complete" and render.clip == clip
    assert "100% complete" in out and f"Render {render.pk} complete: http" in out


def test_limits_and_quota_apply_unless_skipped(fake_lambda, settings):
    too_long = ClipFactory(duration_in_frames=601)
    with pytest.raises(CommandError, match="clip_too_long"):
        call_command("render", "clip", str(too_long.pk))
    settings.RENDER_QUOTA_PER_HOUR = 1
    clip = ClipFactory(owner=too_long.owner)
    call_command("render", "clip", str(clip.pk))
    with pytest.raises(CommandError, match="quota_exceeded"):
        call_command("render", "clip", str(clip.pk))
    call_command("render", "clip", str(clip.pk), "--skip-quota")
    assert Render.objects.count() == 2


def test_a_failed_render_is_a_command_error_with_the_farms_message(fake_lambda, farm_clock):
    fake_lambda.farm.script_next_render(Fatal("Error: chunk 0 crashed"))
    clip = ClipFactory()
    with pytest.raises(CommandError, match="render_failed Error: chunk 0 crashed"):
        call_command("render", "clip", str(clip.pk), "--wait")


def test_unknown_ids_are_clear_errors(fake_lambda):
    with pytest.raises(CommandError, match="No movie with id 999"):
        call_command("render", "movie", "999")
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("render", "movie", "--demo")
