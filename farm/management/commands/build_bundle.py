from django.core.management.base import BaseCommand, CommandError

from farm.backends import BackendError
from farm.backends.local import build_bundle


class Command(BaseCommand):
    help = (
        "Build the Remotion bundle the local backend renders from, so the first render does not "
        "wait for it. Does nothing when remotion/src and the lock file have not changed."
    )

    def handle(self, *args, **options):
        try:
            folder = build_bundle()
        except BackendError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(str(folder))
