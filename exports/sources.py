"""The generated source files of an exported project: Root.tsx, Movie.tsx and the README.

Every value that comes from a user (clip and movie names) enters TypeScript as a JSON
string literal, never as code or comment text.
"""
import json
from dataclasses import dataclass

from django.utils.text import slugify

# The file the Montage movie composition itself renders with, shipped verbatim.
TIMELINE_FILE = "Timeline.tsx"


@dataclass(frozen=True)
class SceneSource:
    number: int
    name: str
    code: str
    duration_in_frames: int
    trim_start: int = 0
    trim_end: int = 0

    @property
    def identifier(self):
        return f"Scene{self.number:02d}"

    @property
    def path(self):
        return f"src/scenes/{self.number:02d}-{slugify(self.name)[:40].strip('-_') or 'scene'}.tsx"

    @property
    def module(self):
        return "./" + self.path.removeprefix("src/").removesuffix(".tsx")


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    fps: int


def _literal(value):
    return json.dumps(value, ensure_ascii=False)


def _imports(scenes):
    return "".join(f"import {scene.identifier} from '{scene.module}';\n" for scene in scenes)


def movie_module(scenes):
    entries = "".join(
        f"  {{name: {_literal(scene.name)}, component: {scene.identifier}, "
        f"durationInFrames: {scene.duration_in_frames}, "
        f"trimStart: {scene.trim_start}, trimEnd: {scene.trim_end}}},\n"
        for scene in scenes
    )
    return f"""// The movie's scenes in order, as Montage renders them. Each scene is one clip's
// code (src/scenes/); durationInFrames is the clip's length on the movie's timeline in
// movie frames (its duration override, if it has one), trimStart and trimEnd the frames
// cut at either end. Edit them here: the Movie composition's length follows.
import React from 'react';
import {{Timeline, type TimelineScene}} from './Timeline';
{_imports(scenes)}
export type MovieScene = TimelineScene & {{name: string; component: React.ComponentType}};

export const SCENES: MovieScene[] = [
{entries}];

export const SceneTimeline: React.FC<{{scenes: MovieScene[]}}> = ({{scenes}}) => (
  <Timeline scenes={{scenes}} renderScene={{(scene) => <scene.component />}} />
);

export const Movie: React.FC = () => <SceneTimeline scenes={{SCENES}} />;
"""


def movie_root(geometry):
    return f"""import React from 'react';
import {{Composition, Folder}} from 'remotion';
import {{Movie, SCENES, SceneTimeline}} from './Movie';
import {{timelineDuration, visibleFrames}} from './Timeline';

const FPS = {geometry.fps};
const WIDTH = {geometry.width};
const HEIGHT = {geometry.height};

const OneScene: React.FC<{{index: number}}> = ({{index}}) => <SceneTimeline scenes={{[SCENES[index]]}} />;

// `Movie` is the whole movie; each scene is also a composition of its own, trimmed as in
// the movie, to look at in the Studio.
export const RemotionRoot: React.FC = () => (
  <>
    <Composition
      id="Movie"
      component={{Movie}}
      durationInFrames={{timelineDuration(SCENES)}}
      fps={{FPS}}
      width={{WIDTH}}
      height={{HEIGHT}}
    />
    <Folder name="Scenes">
      {{SCENES.map((scene, index) => (
        <Composition
          key={{index}}
          id={{`Scene${{String(index + 1).padStart(2, '0')}}`}}
          component={{OneScene}}
          defaultProps={{{{index}}}}
          durationInFrames={{visibleFrames(scene, index)}}
          fps={{FPS}}
          width={{WIDTH}}
          height={{HEIGHT}}
        />
      ))}}
    </Folder>
  </>
);
"""


def clip_root(scene, geometry):
    return f"""import React from 'react';
import {{Composition}} from 'remotion';
{_imports([scene])}
// The clip as Montage renders it: its own code, at its own length and fps.
export const RemotionRoot: React.FC = () => (
  <Composition
    id="Clip"
    component={{{scene.identifier}}}
    durationInFrames={{{scene.duration_in_frames}}}
    fps={{{geometry.fps}}}
    width={{{geometry.width}}}
    height={{{geometry.height}}}
  />
);
"""


def readme(*, title, composition_id, scenes, geometry, frames, remotion_version):
    output = f"out/{composition_id.lower()}.mp4"
    if composition_id == "Movie":
        inside = (
            "- `src/scenes/`: one file per scene, each the clip's own code, unchanged.\n"
            "- `src/Movie.tsx`: the scenes in order, with their lengths and trims.\n"
            "- `src/Timeline.tsx`: plays the scenes one after another, trimmed. Montage renders\n"
            "  movies with this same file.\n"
            "- `src/Root.tsx`: registers the `Movie` composition, and each scene on its own\n"
            "  (as Montage trims it) in the Studio's Scenes folder.\n"
        )
        table = "| scene | clip | frames on the timeline | trim start | trim end |\n"
        table += "| --- | --- | --- | --- | --- |\n"
        table += "".join(
            f"| {scene.number} | {_markdown_cell(scene.name)} | {scene.duration_in_frames} "
            f"| {scene.trim_start} | {scene.trim_end} |\n"
            for scene in scenes
        )
        inside += "\n" + table
    else:
        inside = (
            f"- `{scenes[0].path}`: the clip's own code, unchanged.\n"
            "- `src/Root.tsx`: registers it as the `Clip` composition.\n"
        )
    return f"""# {_markdown_cell(title)}

Exported from Montage: a standalone Remotion project that renders the same video as
Montage does ({geometry.width}x{geometry.height}, {geometry.fps} fps, {frames} frames).

## Render it

Needs Node.js 20 or later.

    npm ci
    npx remotion studio
    npx remotion render {composition_id} {output}

`npm ci` installs exactly the packages in `package-lock.json`: Remotion {remotion_version},
the versions Montage renders with. `npx remotion studio` opens the project in Remotion
Studio to preview and edit it; `npx remotion render` writes the MP4 (H.264).

Remotion downloads a headless Chrome the first time it renders. To use a Chromium you
already have (or when offline), add `--browser-executable=/path/to/chromium` to the
render command. `--width=640 --height=360` renders at another size.

## What is inside

{inside}
Clip code may import only what Montage lets clips import: `react`, `remotion` and the
`@remotion/` packages listed in `package.json`.

## Security

This project runs the clips' code on your own machine, as it is. Montage renders clip
code sealed off from the network, your files and your browser's data; here it runs
unsealed, with the same rights as any web page Remotion opens. Read the code in
`src/scenes/` before you render it if you do not know where it came from.
"""


def _markdown_cell(text):
    return " ".join(text.split()).replace("|", "\\|")
