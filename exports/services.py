"""A movie or clip as a standalone Remotion project, zipped.

What goes in is what a render of the same target would draw: the export takes the render
snapshot (renders.requests.snapshots: the scenes kept, their lengths and trims, the code
check and the limits), so an export refused, or an export's frames, are those of a render.
"""
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from exports.npm import export_manifests
from exports.sources import TIMELINE_FILE, Geometry, SceneSource, clip_root, movie_module, movie_root, readme
from renders.requests.snapshots import movie_scenes_drawn, snapshot_for_clip, snapshot_for_movie

SKELETON_DIR = Path(__file__).resolve().parent / "skeleton"
# Files every export carries unchanged: from the skeleton, and from Montage's Remotion project.
SKELETON_FILES = {
    "src/index.ts": "src/index.ts",
    "remotion.config.ts": "remotion.config.ts",
    ".gitignore": "gitignore",
}
PROJECT_FILES = {"tsconfig.json": "tsconfig.json", f"src/{TIMELINE_FILE}": f"src/{TIMELINE_FILE}"}
# A fixed timestamp keeps the same export byte-for-byte the same.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportArchive:
    filename: str
    content: bytes


def export_movie(movie, size=None):
    scenes = movie_scenes_drawn(movie)
    snapshot = snapshot_for_movie(movie, size, scenes=scenes)
    sources = [
        SceneSource(
            number=number,
            name=scene.clip.name,
            code=props["code"],
            duration_in_frames=props["durationInFrames"],
            trim_start=props["trimStart"],
            trim_end=props["trimEnd"],
        )
        for number, (scene, props) in enumerate(zip(scenes, snapshot.input_props["scenes"]), start=1)
    ]
    files = {"src/Root.tsx": movie_root(_geometry(snapshot)), "src/Movie.tsx": movie_module(sources)}
    return _archive(movie.name, "movie", "Movie", sources, snapshot, files)


def export_clip(clip, size=None):
    snapshot = snapshot_for_clip(clip, size)
    source = SceneSource(
        number=1,
        name=clip.name,
        code=snapshot.input_props["code"],
        duration_in_frames=snapshot.duration_in_frames,
    )
    files = {"src/Root.tsx": clip_root(source, _geometry(snapshot))}
    return _archive(clip.name, "clip", "Clip", [source], snapshot, files)


EXPORTERS = {"movie": export_movie, "clip": export_clip}


def export_for(kind, target, size=None):
    return EXPORTERS[kind](target, size)


def _geometry(snapshot):
    return Geometry(width=snapshot.width, height=snapshot.height, fps=snapshot.fps)


def _archive(title, noun, composition_id, sources, snapshot, files):
    name = slugify(title)[:60].strip("-_") or noun
    package_json, lock = export_manifests(
        name, f'"{title}", exported from Montage as a Remotion project.', composition_id
    )
    project = Path(settings.REMOTION_PROJECT_DIR)
    files = {
        "package.json": _json(package_json),
        "package-lock.json": _json(lock),
        "README.md": readme(
            title=title,
            composition_id=composition_id,
            scenes=sources,
            geometry=_geometry(snapshot),
            frames=snapshot.duration_in_frames,
            remotion_version=package_json["dependencies"]["remotion"],
        ),
        **{path: (SKELETON_DIR / source).read_text() for path, source in SKELETON_FILES.items()},
        **{path: (project / source).read_text() for path, source in PROJECT_FILES.items()},
        **files,
        **{source.path: source.code for source in sources},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            entry = zipfile.ZipInfo(f"{name}/{path}", date_time=ZIP_DATE)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[path], compress_type=zipfile.ZIP_DEFLATED)
    return ExportArchive(filename=f"{name}-remotion.zip", content=buffer.getvalue())


def _json(value):
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
