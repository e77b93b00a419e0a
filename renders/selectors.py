from renders.models import Render


def renders_for_owner(user):
    return Render.objects.filter(owner=user)


def render_latest_for(target_field, target):
    """The newest render of one clip, movie or generation (served by the *_latest indexes)."""
    return Render.objects.filter(**{target_field: target}).order_by("-created_at", "-id").first()
