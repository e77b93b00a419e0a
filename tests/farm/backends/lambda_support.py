"""Renders for the Lambda backend tests: unsaved rows, since the backend only reads them."""
from renders.models import Render

CLIP_PROPS = {"code": "export default () => null;", "durationInFrames": 90, "fps": 30}


def make_render(kind="clip", input_props=CLIP_PROPS, pk=41):
    return Render(
        pk=pk,
        kind=kind,
        backend="lambda",
        composition_id="MovieComposition" if kind == "movie" else "DynamicCode",
        input_props=input_props,
        width=1280,
        height=720,
        fps=30,
        duration_in_frames=90,
    )


def started_render(backend, fake_lambda, *steps):
    """A clip render the fake has accepted, its status script set to `steps` if given."""
    if steps:
        fake_lambda.farm.script_next_render(*steps)
    render = make_render()
    started = backend.start(render)
    render.farm_render_id, render.farm_bucket = started.farm_render_id, started.farm_bucket
    return render
