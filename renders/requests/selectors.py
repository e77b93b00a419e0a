from renders.models import Render


def renders_for_owner(user):
    return Render.objects.filter(owner=user)


def renders_for_api(user):
    """What the API shows of a user's renders. The snapshot (input props, up to tens of
    kilobytes each) is never output but is loaded with the row: `poster_url` is found by
    its hash (render_poster_spec), and deferring it would cost a query per row."""
    return renders_for_owner(user).select_related("host")


def render_latest_for(target_field, target):
    """The newest render of one clip, movie or generation (served by the *_latest indexes)."""
    return Render.objects.filter(**{target_field: target}).defer("input_props").order_by("-created_at", "-id").first()


def renders_for_listing(user, *, status="", kind=""):
    """Newest first, with what a row of the renders page shows: the snapshot, whose hash
    names the row's poster (render_poster_spec), but not the targets' code (each can be
    tens of kilobytes)."""
    queryset = (
        renders_for_owner(user)
        .select_related("movie", "clip", "generation")
        .defer("clip__code", "clip__raw_code", "generation__code", "generation__raw_code")
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-id")
