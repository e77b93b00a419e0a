from django.core.management.base import BaseCommand, CommandError

from farm.backends import BackendError
from farm.backends.local import build_bundle


class Command(BaseCommand):
    help = (
        "Build the Remotion bundle the local backend renders from, so the first render does not "
        "wait for it. Does nothing when remotion/src and the lock file have not changed."
    )

    def handle(self, *args, **options):
        self.stderr.write(
            "Building the Remotion bundle renders use (a minute or two the first time; "
            "reused until remotion/src changes)..."
        )
        try:
            folder = build_bundle()
        except BackendError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(str(folder))
