import pytest
from django.urls import reverse

from clips.models import Clip
from generations.models import Generation
from renders.models import Render
from tests.factories import GenerationFactory
from tests.page_helpers import BLOCKER, render_button

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_editors_generations(web, user, other_user):
    GenerationFactory(owner=user, prompt="A bouncing logo", status=Generation.Status.PENDING)
    GenerationFactory(owner=other_user, prompt="Not yours")

    page = web.get(reverse("generations:list")).content.decode()

    assert "A bouncing logo" in page and "badge--pending" in page
    assert "Not yours" not in page


def test_the_detail_shows_prompt_status_and_code(web, user):
    generation = GenerationFactory(owner=user, prompt="Confetti over a title", aspect_ratio="9:16")

    page = web.get(reverse("generations:detail", args=[generation.pk])).content.decode()

    assert "Confetti over a title" in page
    assert "badge--success" in page and "9:16" in page
    assert 'class="code"' in page and "useCurrentFrame" in page
    assert "disabled" not in render_button(page)


def test_a_renderable_generation_renders_at_its_aspect_ratio(web, user):
    generation = GenerationFactory(owner=user, aspect_ratio="9:16")

    response = web.post(reverse("generations:render", args=[generation.pk]))

    render = Render.objects.get()
    assert (render.generation, render.width, render.height) == (generation, 1080, 1920)
    assert response.url == reverse("renders:detail", args=[render.pk])


def test_a_failed_generation_says_why_and_cannot_be_rendered(web, user):
    generation = GenerationFactory(
        owner=user, status=Generation.Status.FAILED, code="", error_message="The model returned no code."
    )

    page = web.get(reverse("generations:detail", args=[generation.pk])).content.decode()

    assert "The model returned no code." in page
    assert "disabled" in render_button(page)
    assert BLOCKER.format("Only a generation that finished successfully with code can be rendered.") in page


def test_another_editors_generation_is_a_404_and_cannot_be_rendered(web, other_user):
    generation = GenerationFactory(owner=other_user)

    assert web.get(reverse("generations:detail", args=[generation.pk])).status_code == 404
    assert web.post(reverse("generations:render", args=[generation.pk])).status_code == 404
    assert not Render.objects.exists()


def test_a_generation_is_saved_as_a_clip_from_its_page(web, user):
    generation = GenerationFactory(owner=user, duration_in_frames=60, fps=30)
    page = web.get(reverse("generations:detail", args=[generation.pk])).content.decode()
    assert "Save as clip" in page

    response = web.post(reverse("generations:save_as_clip", args=[generation.pk]), {"name": "Opener"})

    clip = Clip.objects.get(owner=user)
    assert (clip.name, clip.source_generation, clip.duration_in_frames) == ("Opener", generation, 60)
    assert response.url == reverse("clips:detail", args=[clip.pk])


def test_a_generation_saved_without_a_name_says_so(web, user):
    generation = GenerationFactory(owner=user)
    response = web.post(reverse("generations:save_as_clip", args=[generation.pk]), {"name": " "}, follow=True)
    assert "Give the clip a name." in response.content.decode()
    assert not Clip.objects.exists()
