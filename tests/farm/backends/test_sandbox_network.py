"""The hostile-clip table through the real local pipeline (a few frames): whatever the
clip tries, nothing reaches the listener (TCP connections, UDP datagrams, requests) and
nothing of its secret comes back, in both documented configurations - no asset hosts,
and one asset host (the namespace then has the allowlisting proxy as its way out) -
and with the namespace off, where the page's own seal is all there is (as on Lambda).

Render rows are made directly (tests/local_render.py), as if the code had got past the
checks on save: the render-time seal must hold on its own.
"""
import io
import math
import struct
import wave

import av
import pytest

from farm.backends import sandbox
from tests.local_render import clip_render, decoded_frames, output_path, start, wait_final
from tests.farm.backends.hostile import (
    NAVIGATION_PROBES, PROBES, PROXY_ROUTE_PROBES, Listener, assert_readable_failure, probe_clip,
)

pytestmark = [pytest.mark.django_db, pytest.mark.render]

ALL_PROBES = {**PROBES, **NAVIGATION_PROBES, **PROXY_ROUTE_PROBES}
# Wide enough for one readable cell per probe after H.264's chroma subsampling.
TABLE_SIZE = (640, 180)
BLUE = (0, 0, 255)


def blue_video():
    """A tiny H.264 MP4, blue throughout (what an asset host serves)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for _ in range(10):
            frame = av.VideoFrame(160, 90, "rgb24")
            frame.planes[0].update(bytes(BLUE) * (frame.planes[0].line_size // 3) * 90)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def tone_wav():
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 10))) for i in range(22050)))
    return buffer.getvalue()


@pytest.fixture
def listener():
    with Listener() as running:
        yield running


@pytest.fixture
def asset_host():
    files = {"blue.mp4": ("video/mp4", blue_video()), "tone.wav": ("audio/wav", tone_wav())}
    with Listener(files=files) as running:
        yield running


def probe_outcomes(settings, render, probes):
    """What each probe reported, read from its cell in the first frame."""
    frames, width, _, _ = decoded_frames(output_path(settings, render))
    frame = frames[0]
    plane = bytes(frame.planes[0])
    row = (frame.height // 2) * frame.planes[0].line_size
    outcomes = {}
    for index, name in enumerate(probes):
        x = int((index + 0.5) * width / len(probes))
        rgb = plane[row + x * 3 : row + x * 3 + 3]
        # A flat colour shifted a little by H.264; grey or black: the probe never ended.
        strongest = max(range(3), key=lambda channel: rgb[channel])
        outcomes[name] = ("leak", "blocked", "sent")[strongest] if max(rgb) - min(rgb) > 100 else f"unclear {tuple(rgb)}"
    return outcomes


def rgb_at(frame, x):
    plane = frame.planes[0]
    offset = (frame.height // 2) * plane.line_size + x * 3
    return tuple(bytes(plane)[offset : offset + 3])


def run_probe_table(local_backend, settings, origin):
    render = start(local_backend, clip_render(probe_clip(origin, ALL_PROBES), frames=2, size=TABLE_SIZE))
    progress = wait_final(local_backend, render)
    assert progress.fatal_error is None, "a navigation got through and ended the page"
    outcomes = probe_outcomes(settings, render, ALL_PROBES)
    return {name: outcome for name, outcome in outcomes.items() if outcome not in ("blocked", "sent")}


@pytest.mark.parametrize("asset_hosts", ["none", "one"])
def test_every_probe_reaches_nothing_in_a_namespace(local_backend, settings, listener, asset_host, asset_hosts):
    settings.RENDER_ASSET_HOSTS = [asset_host.host] if asset_hosts == "one" else []
    # A machine without user namespaces must say so here instead of passing quietly.
    assert sandbox.uses_network_namespace()

    assert run_probe_table(local_backend, settings, listener.origin) == {}
    assert listener.reached() == (0, 0, {})


def test_the_seal_alone_blocks_every_probe_without_the_namespace(local_backend, settings, listener):
    """Namespace off and the listener named `localhost` (which the browser's host resolver
    must let through: Remotion's own server is there): the page's policy and seal and
    Node's download guard are what stop each probe, as on Lambda."""
    settings.RENDER_NETWORK_ISOLATION = "off"

    assert run_probe_table(local_backend, settings, listener.origin.replace("127.0.0.1", "localhost")) == {}
    assert listener.reached() == (0, 0, {})


def test_images_video_and_audio_from_an_allowed_asset_host_render_through_its_proxy(
    local_backend, settings, asset_host, listener
):
    settings.RENDER_ASSET_HOSTS = [asset_host.host]
    assert sandbox.egress_proxy(), "asset hosts are reached from inside the namespace"
    code = f"""import {{AbsoluteFill, Audio, Img, OffthreadVideo}} from 'remotion';
const A = '{asset_host.origin}';
export default () => (
  <AbsoluteFill style={{{{flexDirection: 'row'}}}}>
    <Img src={{A + '/red.svg'}} style={{{{width: '50%', height: '100%'}}}} />
    <OffthreadVideo src={{A + '/blue.mp4'}} style={{{{width: '50%', height: '100%'}}}} />
    <Audio src={{A + '/tone.wav'}} />
  </AbsoluteFill>
);
"""
    render = start(local_backend, clip_render(code, frames=2))

    progress = wait_final(local_backend, render)

    assert progress.fatal_error is None
    frame = decoded_frames(output_path(settings, render))[0][0]
    red, green, blue = rgb_at(frame, frame.width // 4)
    assert red > 200 and green < 60 and blue < 60, "the image"
    red, green, blue = rgb_at(frame, frame.width * 3 // 4)
    assert blue > 200 and red < 60 and green < 60, "the video"
    with av.open(str(output_path(settings, render))) as container:
        assert container.streams.audio, "the asset host's audio is in the video"
    assert {path: asset_host.hits[path] > 0 for path in ("red.svg", "blue.mp4", "tone.wav")} == dict.fromkeys(
        ("red.svg", "blue.mp4", "tone.wav"), True
    )
    assert listener.reached() == (0, 0, {})


# Media Remotion itself fetches through Node, from a host that is not an asset host:
# <OffthreadVideo> through the /proxy route, <Audio> sources after the frames.
NODE_FETCHES = {
    "offthread_video": "<OffthreadVideo src={L + '/offthread_video'} />",
    "audio": "<Audio src={L + '/audio'} />",
}


@pytest.mark.parametrize("name", NODE_FETCHES)
def test_media_from_outside_the_asset_hosts_fails_the_render(local_backend, settings, listener, name):
    settings.RENDER_NETWORK_ISOLATION = "off"
    code = f"""import {{AbsoluteFill, Audio, OffthreadVideo}} from 'remotion';
const L = '{listener.origin}';
export default () => <AbsoluteFill>{NODE_FETCHES[name]}</AbsoluteFill>;
"""
    render = start(local_backend, clip_render(code, frames=2))

    progress = wait_final(local_backend, render)

    assert_readable_failure(progress)
    assert f"Downloading from {listener.host} is not allowed" in progress.fatal_error
    assert listener.reached() == (0, 0, {})
