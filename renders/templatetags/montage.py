"""Template helpers shared by the editors' pages: `{% load montage %}`."""
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince

from renders.outputs.posters import filmstrip_specs, poster_url, render_poster_url, target_poster_url
from renders.panel import target_detail_url
from renders.requests.quota import quota_status

register = template.Library()


@register.inclusion_tag("partials/quota_badge.html", takes_context=True)
def quota_badge(context):
    return {"quota": quota_status(context["request"].user)}


@register.filter
def duration(value):
    """A timedelta as an editor reads it: '8 s', '2 min 05 s', '1 h 04 min'."""
    seconds = max(0, round(value.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


@register.filter
def ago(moment):
    """'just now' rather than Django's '0 minutes' for the last minute."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def seconds(frames, fps):
    return f"{frames / fps:.1f} s"


@register.filter
def first_line(text):
    return text.strip().splitlines()[0] if text.strip() else ""


@register.filter
def other_lines(text):
    return "\n".join(text.strip().splitlines()[1:])


@register.simple_tag
def target_link(render):
    """A link to what a render draws, named the way its own page names it."""
    target = render.target
    if target is None:
        return format_html('<span class="muted">{}</span>', "(deleted)")
    label = target.prompt if render.kind == render.Kind.GENERATION else target.name
    return format_html(
        '<a href="{}">{}</a>', target_detail_url(render.kind, target.pk), Truncator(label).chars(60)
    )


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current list URL at another page, keeping its filters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.inclusion_tag("partials/poster.html")
def poster(target, kind):
    """The target's poster, or a placeholder while it is being made."""
    return {"url": target_poster_url(kind, target), "label": str(target)}


@register.simple_tag
def poster_src(target, kind):
    """The target's poster URL, or '' while it is being made."""
    return target_poster_url(kind, target) or ""


@register.simple_tag
def scene_posters(movie):
    """{scene id: its still at its trimmed start (the filmstrip the timeline's blocks show),
    or None while it is being made}."""
    return {scene.pk: poster_url(spec) for scene, spec in filmstrip_specs(movie)}


@register.filter
def poster_of(posters, scene):
    return posters.get(scene.pk)


@register.simple_tag
def render_poster(render):
    """The middle frame of what `render` renders, for <video poster>; '' until it is made."""
    return render_poster_url(render) or ""
