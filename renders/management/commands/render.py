from django.core.management.base import BaseCommand, CommandError

from clips.demo import DEMO_USERNAME
from clips.models import Clip
from config.api.exceptions import ApplicationError
from farm.backends import get_backend
from generations.models import Generation
from movies.models import Movie
from renders.lifecycle.driver import render_drive
from renders.models import Render
from renders.requests import services

TARGETS = {"clip": Clip, "movie": Movie, "generation": Generation}
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Request a render of a clip, movie or generation through the same service as the API."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(TARGETS))
        parser.add_argument("id", nargs="?", type=int, help="id of the clip, movie or generation")
        parser.add_argument("--demo", action="store_true", help="the demo editor's newest movie/clip instead of an id")
        parser.add_argument("--wait", action="store_true", help="show progress until the render is final")
        parser.add_argument("--skip-quota", action="store_true", help="do not count against the owner's quota")
        parser.add_argument("--width", type=int)
        parser.add_argument("--height", type=int)

    def handle(self, *args, kind, id, demo, wait, skip_quota, width, height, **options):
        target = self._target(kind, id, demo)
        if (width is None) != (height is None):
            raise CommandError("Give both --width and --height, or neither.")
        size = (width, height) if width else None
        try:
            render = services.render_request(
                user=target.owner, kind=kind, target=target, size=size, skip_quota=skip_quota
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from None
        self.stdout.write(f"Render {render.pk} queued ({render.width}x{render.height}, {render.duration_in_frames} frames).")
        if not wait:
            return
        render = render_drive(render.pk, on_update=self._show_progress)
        self.stdout.write("")
        if render.status != Render.Status.COMPLETE:
            raise CommandError(f"Render {render.pk} {render.status}: {render.error_code} {render.error_message}".strip())
        location = get_backend(render.backend).output_location(render)
        self.stdout.write(self.style.SUCCESS(f"Render {render.pk} complete: {location.file_path or location.redirect_url}"))

    def _target(self, kind, target_id, demo):
        model = TARGETS[kind]
        if demo:
            target = model.objects.filter(owner__username=DEMO_USERNAME).order_by("-created_at").first()
            if target is None:
                raise CommandError("No demo content yet: run `python manage.py seed_demo` first.")
            return target
        if target_id is None:
            raise CommandError("Give an id, or --demo.")
        target = model.objects.filter(pk=target_id).select_related("owner").first()
        if target is None:
            raise CommandError(f"No {kind} with id {target_id}.")
        return target

    def _show_progress(self, render):
        filled = BAR_WIDTH * render.progress // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {render.progress:3d}% {render.status:<10}", ending="")
        self.stdout.flush()
