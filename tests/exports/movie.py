"""A small movie with every timeline feature an export must keep, built through the same
services as the editor: a trim, a duration override (a 20 fps clip in a 10 fps movie), a
split, a reorder and a scene whose clip was deleted."""
import io
import zipfile

from clips.services import clip_delete
from movies.models import Movie
from movies.services import movie_create, movie_insert_scene, scene_split, scene_update, scenes_reorder
from tests.factories import ClipFactory

# Paints its frame number and the length it believes it has into the colour, draws a ball
# that crosses the frame over that length and writes both numbers, so a frame shown from
# the wrong clip frame, or with the wrong length, looks different. The corner square calls
# React without importing it, as older clips do: Montage and Remotion both provide it.
PROBE = """import {AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig} from 'remotion';
import {Circle} from '@remotion/shapes';
export default function Probe() {
  const frame = useCurrentFrame();
  const {durationInFrames, width} = useVideoConfig();
  const x = interpolate(frame, [0, durationInFrames - 1], [0, width - 40]);
  return (
    <AbsoluteFill style={{backgroundColor: `rgb(${frame * 12}, ${durationInFrames * 8}, BLUE)`}}>
      <div style={{position: 'absolute', left: x, top: 100}}><Circle radius={20} fill="white" /></div>
      <div style={{color: 'yellow', fontSize: 36, padding: 12}}>LABEL {frame}/{durationInFrames}</div>
      {React.createElement('div', {
        style: {position: 'absolute', right: 8, bottom: 8, width: 16, height: 16, background: 'black'},
      })}
    </AbsoluteFill>
  );
}
"""
def probe(label, blue):
    return PROBE.replace("LABEL", label).replace("BLUE", str(blue))


def timeline_movie(user):
    """Scenes shown: Intro frames 3..15 (13), Outro 6..13 (8), Counter at 12 movie frames
    trimmed by 2 at the end (10), Outro 0..5 (6): 37 frames at 10 fps."""
    def clip(name, label, blue, frames, fps=10):
        return ClipFactory(owner=user, name=name, code=probe(label, blue), duration_in_frames=frames, fps=fps)

    intro = clip("Intro", "Intro", 40, 16)
    counter = clip("Counter | 20 fps", "Count", 160, 24, fps=20)
    outro = clip("Outro", "Outro", 240, 14)
    gone = clip("Deleted later", "Gone", 90, 10)
    movie = movie_create(owner=user, name="Launch: the movie", fps=10)
    for clip in (intro, counter, outro, gone):
        movie_insert_scene(movie=movie, clip=clip)
    first, second, third, _ = movie.scenes.order_by("position")
    scene_update(scene=first, trim_start=3)
    scene_update(scene=second, trim_end=2)
    scene_split(scene=third, frame=6)
    clip_delete(clip=gone)
    intro_scene, counter_scene, outro_start, outro_end, missing = movie.scenes.order_by("position")
    order = (intro_scene, outro_end, counter_scene, outro_start, missing)
    scenes_reorder(movie=movie, scene_ids=[scene.pk for scene in order])
    return Movie.objects.get(pk=movie.pk)


def unzip(content, into):
    """Extract an export; returns its one top-level folder."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        assert len(tops) == 1, tops
        archive.extractall(into)
    return into / tops.pop()
