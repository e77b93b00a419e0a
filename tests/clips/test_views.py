import json
import re

import pytest
from django.urls import reverse

from clips.models import Clip
from movies.services import movie_insert_scene
from renders.models import Render
from tests.factories import SIMPLE_CODE, ClipFactory, movie_with_clips
from tests.page_helpers import BLOCKER, render_button, spend_quota

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_editors_clips(web, user, other_user):
    ClipFactory(owner=user, name="Kinetic title", duration_in_frames=45, fps=15)
    ClipFactory(owner=other_user, name="Not yours")

    page = web.get(reverse("clips:list")).content.decode()

    assert "Kinetic title" in page and "45 frames" in page and "(3.0 s)" in page
    assert "Not yours" not in page


def test_the_detail_is_an_editor_of_the_code_that_runs_escaped(web, user):
    clip = ClipFactory(owner=user, raw_code="display copy", code="export default () => <b>1</b>; // runs")

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()

    textarea = re.search(r"<textarea[^>]*data-code-editor[^>]*>(.*?)</textarea>", page, flags=re.S).group(1)
    assert textarea == "export default () =&gt; &lt;b&gt;1&lt;/b&gt;; // runs"
    assert "display copy" not in page
    assert "vendor/build/code-editor.js" in page
    assert "disabled" not in render_button(page)


def test_another_editors_clip_is_a_404_and_cannot_be_rendered(web, other_user):
    clip = ClipFactory(owner=other_user)

    assert web.get(reverse("clips:detail", args=[clip.pk])).status_code == 404
    assert web.post(reverse("clips:render", args=[clip.pk])).status_code == 404
    assert not Render.objects.exists()


def test_render_starts_and_lands_on_the_render_page(web, user):
    clip = ClipFactory(owner=user)

    response = web.post(reverse("clips:render", args=[clip.pk]))

    render = Render.objects.get()
    assert (render.kind, render.clip, render.width, render.height) == ("clip", clip, 1920, 1080)
    assert response.url == reverse("renders:detail", args=[render.pk])


def test_a_clip_over_the_limit_cannot_be_rendered(web, user):
    clip = ClipFactory(owner=user, duration_in_frames=601, fps=30)

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()
    assert "disabled" in render_button(page)
    assert BLOCKER.format("Clip too long. Maximum duration is 20 seconds.") in page

    response = web.post(reverse("clips:render", args=[clip.pk]), follow=True)

    assert b"Clip too long. Maximum duration is 20 seconds." in response.content
    assert response.redirect_chain == [(reverse("clips:detail", args=[clip.pk]), 302)]
    assert not Render.objects.exists()


def test_a_spent_quota_disables_the_clip_render_button(web, user):
    clip = ClipFactory(owner=user)
    spend_quota(user)

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()

    assert "disabled" in render_button(page)
    assert "Render quota exceeded." in page


def test_new_clip_is_saved_through_the_check_and_opens_in_the_editor(web, user):
    page = web.get(reverse("clips:create")).content.decode()
    assert "data-code-editor" in page and "export default function Scene()" in page

    response = web.post(reverse("clips:create"), {
        "name": "Hello", "duration_in_frames": 45, "fps": 15, "code": SIMPLE_CODE,
    })

    clip = Clip.objects.get(owner=user)
    assert (clip.name, clip.duration_in_frames, clip.fps, clip.code) == ("Hello", 45, 15, SIMPLE_CODE)
    assert response.url == reverse("clips:detail", args=[clip.pk])


def test_a_save_that_fails_the_check_shows_the_line_and_column_and_keeps_the_clip(web, user):
    clip = ClipFactory(owner=user, name="Before")
    bad = "import {AbsoluteFill} from 'remotion';\nexport default () => {\n  fetch('https://x');\n};\n"

    response = web.post(reverse("clips:detail", args=[clip.pk]), {
        "name": "After", "duration_in_frames": 90, "fps": 30, "code": bad,
    })

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-line="3" data-column="3"' in page and "Line 3, column 3" in page
    problem = re.search(r'<script id="code-problem" type="application/json">(.*?)</script>', page).group(1)
    assert json.loads(problem)["line"] == 3
    assert "fetch(&#x27;https://x&#x27;)" in page  # the editor keeps what was typed
    clip.refresh_from_db()
    assert (clip.name, clip.code) == ("Before", SIMPLE_CODE)


def test_saving_the_editor_updates_the_clip_and_its_movies(web, user):
    clip = ClipFactory(owner=user, raw_code="display copy")
    movie = movie_with_clips(owner=user)
    movie_insert_scene(movie=movie, clip=clip)
    new_code = SIMPLE_CODE.replace("#123456", "#654321")

    response = web.post(reverse("clips:detail", args=[clip.pk]), {
        "name": clip.name, "duration_in_frames": 30, "fps": 30, "code": new_code,
    }, follow=True)

    assert "Clip saved." in response.content.decode()
    clip.refresh_from_db()
    movie.refresh_from_db()
    assert (clip.code, clip.raw_code, clip.duration_in_frames) == (new_code, "", 30)
    assert movie.total_duration_in_frames == 30


def test_the_editor_saves_a_poster_frame_within_the_clip_and_refuses_one_past_its_end(web, user):
    clip = ClipFactory(owner=user, duration_in_frames=30)
    fields = {"name": clip.name, "duration_in_frames": 30, "fps": 30, "code": clip.code}
    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()
    assert 'data-take-preview-frame="id_poster_frame"' in page

    refused = web.post(reverse("clips:detail", args=[clip.pk]), {**fields, "poster_frame": "30"})
    assert refused.status_code == 400
    assert "poster_frame must be between 0 and 29" in refused.content.decode()
    clip.refresh_from_db()
    assert clip.poster_frame is None

    web.post(reverse("clips:detail", args=[clip.pk]), {**fields, "poster_frame": "29"})
    clip.refresh_from_db()
    assert clip.poster_frame == 29


def test_deleting_a_clip_leaves_its_scenes_missing(web, user, other_user):
    clip = ClipFactory(owner=user)
    movie = movie_with_clips(owner=user)
    movie_insert_scene(movie=movie, clip=clip)
    assert web.post(reverse("clips:delete", args=[ClipFactory(owner=other_user).pk])).status_code == 404

    response = web.post(reverse("clips:delete", args=[clip.pk]))

    assert response.url == reverse("clips:list")
    assert not Clip.objects.filter(pk=clip.pk).exists()
    assert movie.scenes.get().is_missing


def test_a_render_size_preset_is_used(web, user):
    clip = ClipFactory(owner=user)

    web.post(reverse("clips:render", args=[clip.pk]), {"size": "portrait"})
    web.post(reverse("clips:render", args=[clip.pk]), {"size": "no-such-size"})

    assert [(r.width, r.height) for r in Render.objects.order_by("pk")] == [(1080, 1920), (1920, 1080)]
