from renders.models import Render


def renders_for_owner(user):
    return Render.objects.filter(owner=user)


def renders_for_api(user):
    """What the API shows of a user's renders: the snapshot (input props, up to tens of
    kilobytes each) stays in the database; the API never outputs it, and the poster is
    found by the key stored with the render."""
    return renders_for_owner(user).select_related("host").defer("input_props")


def render_latest_for(target_field, target):
    """The newest render of one clip, movie or generation (served by the *_latest indexes)."""
    return Render.objects.filter(**{target_field: target}).defer("input_props").order_by("-created_at", "-id").first()


def renders_for_listing(user, *, status="", kind=""):
    """Newest first, with what a row of the renders page shows; snapshots and code stay
    in the database (each can be tens of kilobytes): a row's poster is found by its key."""
    queryset = (
        renders_for_owner(user)
        .select_related("movie", "clip", "generation")
        .defer("input_props", "clip__code", "clip__raw_code", "generation__code", "generation__raw_code")
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-id")
