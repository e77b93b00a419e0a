"""Small readers of the editors' pages shared by the page tests."""
import re

from tests.factories import ClipFactory, RenderFactory

BLOCKER = '<p id="render-blocker" class="notice notice--warning">{}</p>'


def render_button(page):
    """The target page's Render button tag, e.g. to see whether it is disabled."""
    return re.search(r"<button[^>]*>Render MP4</button>", page).group(0)


def spend_quota(user, limit=5):
    for _ in range(limit):
        RenderFactory(clip=ClipFactory(owner=user))
