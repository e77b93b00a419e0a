import io
import json
import zipfile

import pytest

from exports.sources import TIMELINE_FILE
from tests.api_errors import assert_error
from tests.exports.movie import timeline_movie, unzip
from tests.factories import ClipFactory, MovieFactory

pytestmark = pytest.mark.django_db


def test_a_movie_exports_as_a_project_with_one_file_per_scene_drawn(api, user, tmp_path, settings):
    movie = timeline_movie(user)

    response = api.get(f"/api/movies/{movie.pk}/export/")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="launch-the-movie-remotion.zip"'
    project = unzip(response.content, tmp_path)
    assert project.name == "launch-the-movie"
    files = sorted(str(path.relative_to(project)) for path in project.rglob("*") if path.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "package-lock.json",
        "package.json",
        "remotion.config.ts",
        "src/Movie.tsx",
        "src/Root.tsx",
        f"src/{TIMELINE_FILE}",
        "src/index.ts",
        "src/scenes/01-intro.tsx",
        "src/scenes/02-outro.tsx",
        "src/scenes/03-counter-20-fps.tsx",
        "src/scenes/04-outro.tsx",
        "tsconfig.json",
    ]
    clips = {clip.name: clip for clip in user.clips.all()}
    assert (project / "src/scenes/01-intro.tsx").read_text() == clips["Intro"].code
    assert (project / "src/scenes/03-counter-20-fps.tsx").read_text() == clips["Counter | 20 fps"].code
    # The timeline Montage renders movies with, byte for byte.
    remotion_src = settings.REMOTION_PROJECT_DIR / "src"
    assert (project / "src" / TIMELINE_FILE).read_bytes() == (remotion_src / TIMELINE_FILE).read_bytes()
    movie_module = (project / "src/Movie.tsx").read_text()
    assert (
        '{name: "Intro", component: Scene01, durationInFrames: 16, trimStart: 3, trimEnd: 0},\n'
        '  {name: "Outro", component: Scene02, durationInFrames: 14, trimStart: 6, trimEnd: 0},\n'
        '  {name: "Counter | 20 fps", component: Scene03, durationInFrames: 12, trimStart: 0, trimEnd: 2},\n'
        '  {name: "Outro", component: Scene04, durationInFrames: 14, trimStart: 0, trimEnd: 8},\n'
    ) in movie_module
    root = (project / "src/Root.tsx").read_text()
    assert "const FPS = 10;\nconst WIDTH = 1920;\nconst HEIGHT = 1080;" in root
    assert 'id="Movie"' in root
    readme = (project / "README.md").read_text()
    assert "npx remotion render Movie out/movie.mp4" in readme and "unsealed" in readme
    assert "1920x1080, 10 fps, 37 frames" in readme


def test_the_package_pins_montages_versions_and_only_what_clip_code_may_import(api, user, tmp_path, settings):
    response = api.get(f"/api/movies/{timeline_movie(user).pk}/export/")
    project = unzip(response.content, tmp_path)

    package = json.loads((project / "package.json").read_text())
    montage = json.loads((settings.REMOTION_PROJECT_DIR / "package.json").read_text())
    assert package["name"] == "launch-the-movie"
    assert package["scripts"] == {
        "studio": "remotion studio",
        "render": "remotion render Movie out/movie.mp4",
    }
    assert set(package["dependencies"]) == {
        "remotion", "react", "react-dom", "@remotion/cli",
        "@remotion/noise", "@remotion/paths", "@remotion/shapes", "@remotion/transitions",
    }
    assert all(montage["dependencies"][name] == version for name, version in package["dependencies"].items())
    assert package["devDependencies"] == montage["devDependencies"]
    lock = json.loads((project / "package-lock.json").read_text())
    montage_lock = json.loads((settings.REMOTION_PROJECT_DIR / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for location, entry in lock["packages"].items():
        if location:
            assert entry["version"] == montage_lock["packages"][location]["version"], location
    assert "node_modules/@remotion/lambda" not in lock["packages"]
    assert "node_modules/sucrase" not in lock["packages"]


def test_the_zip_holds_no_absolute_paths_settings_or_secrets(api, user, settings):
    response = api.get(f"/api/movies/{timeline_movie(user).pk}/export/")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "\n".join(archive.read(name).decode() for name in archive.namelist())
    leaks = (str(settings.BASE_DIR), "/work/", "/home/", "/tmp/", settings.SECRET_KEY, "MONTAGE_", "DATABASE")
    for leak in leaks:
        assert leak not in text


def test_a_clip_exports_as_the_clip_composition_at_the_asked_size(api, user, tmp_path):
    clip = ClipFactory(owner=user, name="Hello", duration_in_frames=45, fps=15)

    response = api.get(f"/api/clips/{clip.pk}/export/", {"width": 640, "height": 360})

    assert response.status_code == 200, response.content
    project = unzip(response.content, tmp_path)
    assert (project / "src/scenes/01-hello.tsx").read_text() == clip.code
    root = (project / "src/Root.tsx").read_text()
    assert "import Scene01 from './scenes/01-hello';" in root
    for prop in ('id="Clip"', "component={Scene01}", "durationInFrames={45}", "fps={15}"):
        assert prop in root
    assert "width={640}" in root and "height={360}" in root
    package = json.loads((project / "package.json").read_text())
    assert package["scripts"]["render"] == "remotion render Clip out/clip.mp4"
    assert not (project / "src/Movie.tsx").exists()


def test_another_users_movie_or_clip_is_not_found(api, other_user):
    assert_error(api.get(f"/api/movies/{MovieFactory(owner=other_user).pk}/export/"), 404, "not_found")
    assert_error(api.get(f"/api/clips/{ClipFactory(owner=other_user).pk}/export/"), 404, "not_found")
    assert_error(api.get("/api/movies/999999/export/"), 404, "not_found")


def test_a_movie_whose_clips_are_all_gone_is_refused_like_a_render(api, user):
    movie = timeline_movie(user)
    user.clips.all().delete()

    assert_error(api.get(f"/api/movies/{movie.pk}/export/"), 400, "no_valid_scenes")


def test_code_failing_the_check_is_refused_with_the_scene_named(api, user):
    movie = timeline_movie(user)
    user.clips.filter(name="Outro").update(code="import fs from 'fs';\nexport default () => null;\n")

    body = assert_error(api.get(f"/api/movies/{movie.pk}/export/"), 400, "code_import_not_allowed")
    assert body["field"] == 'scene 2 (clip "Outro")'


@pytest.mark.parametrize(
    "query, code",
    [({"width": 320}, "validation_error"), ({"width": 321, "height": 180}, "invalid_resolution"),
     ({"width": 3840, "height": 2160}, "resolution_too_large")],
)
def test_a_bad_size_is_refused(api, user, query, code):
    clip = ClipFactory(owner=user)
    assert_error(api.get(f"/api/clips/{clip.pk}/export/", query), 400, code)


def test_an_accept_header_asking_for_a_zip_is_served(api, user):
    clip = ClipFactory(owner=user)
    assert api.get(f"/api/clips/{clip.pk}/export/", HTTP_ACCEPT="application/zip").status_code == 200
    missing = api.get("/api/clips/999999/export/", HTTP_ACCEPT="application/zip")
    assert_error(missing, 404, "not_found")


def test_the_schema_documents_the_zip_and_the_error_codes(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in ("/api/movies/{id}/export/", "/api/clips/{id}/export/"):
        responses = schema["paths"][path]["get"]["responses"]
        assert "application/zip" in responses["200"]["content"]
        for status, codes in (("400", ("no_valid_scenes", "code_import_not_allowed", "invalid_resolution")),
                              ("404", ("not_found",))):
            assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
            assert all(f"`{code}`" in responses[status]["description"] for code in codes)
