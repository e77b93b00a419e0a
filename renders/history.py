from renders.models import RenderEvent


def render_event_record(render_id, kind, message=""):
    RenderEvent.objects.create(render_id=render_id, kind=kind, message=message)
