from django.core.management.base import BaseCommand, CommandError

from previews.bundle import PlayerBuildFailed, build_player


class Command(BaseCommand):
    help = (
        "Build the player bundle the preview pages load (remotion/player, with the render bundle's "
        "compositions and seal). Run before collectstatic. Does nothing when nothing changed."
    )
    # Its output folder is a STATICFILES_DIRS entry, which the checks want to exist already.
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            script = build_player()
        except PlayerBuildFailed as err:
            raise CommandError(str(err)) from err
        self.stdout.write(str(script))
