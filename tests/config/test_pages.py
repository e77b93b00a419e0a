"""Site-wide behaviour of the editors' pages: login, logout, the layout's header, 404s."""
import pytest
from django.urls import reverse

from tests.factories import PASSWORD, ClipFactory, GenerationFactory, MovieFactory, RenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_urls(user):
    movie, clip, generation = MovieFactory(owner=user), ClipFactory(owner=user), GenerationFactory(owner=user)
    render = RenderFactory(clip=clip)
    return [
        reverse("movies:list"),
        reverse("movies:detail", args=[movie.pk]),
        reverse("movies:create"),
        reverse("clips:list"),
        reverse("clips:detail", args=[clip.pk]),
        reverse("clips:create"),
        reverse("generations:list"),
        reverse("generations:detail", args=[generation.pk]),
        reverse("renders:list"),
        reverse("renders:detail", args=[render.pk]),
        reverse("renders:progress", args=[render.pk]),
        reverse("renders:video", args=[render.pk]),
    ]


def test_every_page_sends_a_visitor_to_the_login_page_first(client, owned_urls):
    for url in owned_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('login')}?next={url}"


def test_every_page_answers_its_owner(web, owned_urls):
    # The video URL of a render that is not complete is a page explaining why.
    for url in owned_urls[:-1]:
        assert web.get(url).status_code == 200, url


def test_every_page_keeps_its_content_out_of_the_document_head(web, owned_urls):
    # A page block that shares a name with the layout's <head> block renders in both:
    # a list's column headers once showed as stray text above the navigation.
    for url in owned_urls[:-2]:
        head = web.get(url).content.decode().split("</head>", 1)[0]
        assert not any(tag in head for tag in ("<th", "<td", "<tr", "<div")), url


def test_logging_in_through_the_form_lands_on_the_movies(client, user):
    page = client.get(reverse("login"))
    assert b'name="username"' in page.content and b"csrfmiddlewaretoken" in page.content

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("movies:list")


def test_a_wrong_password_is_said_plainly(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logout_is_a_post_form_in_the_header(web):
    page = web.get(reverse("movies:list")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in page

    response = web.post(reverse("logout"))

    assert response.status_code == 302 and response.url == reverse("login")
    assert web.get(reverse("movies:list")).status_code == 302


def test_the_header_shows_navigation_and_the_remaining_quota(web, user):
    page = web.get(reverse("movies:list")).content.decode()
    for section in ("movies", "clips", "generations", "renders"):
        assert f'href="{reverse(f"{section}:list")}"' in page
    assert "<strong>5</strong> of 5 renders left<span class=\"quota__extra\"> this hour</span>" in page
    assert "next frees up" not in page

    RenderFactory(clip=ClipFactory(owner=user))
    page = web.get(reverse("movies:list")).content.decode()

    assert "<strong>4</strong> of 5 renders left<span class=\"quota__extra\"> this hour</span>" in page
    assert "next frees up in <time" in page


def test_an_unknown_page_is_a_404_page_in_the_layout(web):
    response = web.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Nothing here" in response.content
    assert b'class="site-header"' in response.content
