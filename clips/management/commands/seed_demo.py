from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clips.demo import DEMO_CLIPS, DEMO_USERNAME
from clips.models import Clip
from clips.services import clip_create
from movies.models import Movie
from movies.services import movie_create, movie_insert_scene

# A development convenience only: the command refuses to run in production.
DEMO_PASSWORD = "montage-demo"
DEMO_MOVIE_NAME = "Demo reel"


class Command(BaseCommand):
    help = "Create the demo editor with the demo clips and a demo movie (development only). Idempotent."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates an account with a known password: not in production.")
        with transaction.atomic():
            editor, created = get_user_model().objects.get_or_create(
                username=DEMO_USERNAME, defaults={"email": "demo@example.com", "first_name": "Demo"}
            )
            if created:
                editor.set_password(DEMO_PASSWORD)
                editor.save()
            clips = [self._clip(editor, demo) for demo in DEMO_CLIPS]
            if not Movie.objects.filter(owner=editor, name=DEMO_MOVIE_NAME).exists():
                movie = movie_create(owner=editor, name=DEMO_MOVIE_NAME)
                for clip in clips:
                    movie_insert_scene(movie=movie, clip=clip)
        self.stdout.write(
            self.style.SUCCESS(f"Demo editor: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}")
            + (" (created)" if created else "")
        )

    def _clip(self, editor, demo):
        existing = Clip.objects.filter(owner=editor, name=demo.name).first()
        if existing:
            return existing
        code = demo.code
        return clip_create(
            owner=editor, name=demo.name, code=code, raw_code=code,
            duration_in_frames=demo.duration_in_frames, fps=demo.fps,
        )
