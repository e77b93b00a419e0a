from django import template

from config.api.exceptions import ApplicationError
from previews.services import MODELS, preview_issue

register = template.Library()

_KINDS = {model: kind for kind, model in MODELS.items()}


@register.inclusion_tag("previews/_player.html", takes_context=True)
def preview_player(context, target, timeline=None):
    """The sandboxed player for the signed-in owner's `target`, or why there is none.
    `timeline`: the id of a table whose rows (data-start, data-end) follow the playhead."""
    try:
        preview = preview_issue(user=context["request"].user, kind=_KINDS[type(target)], target=target)
    except ApplicationError as err:
        return {"problem": err.detail}
    return {"preview": preview, "timeline": timeline}
