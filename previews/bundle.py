"""Building the player bundle (remotion/player) into PLAYER_BUNDLE_DIR, served as static
files under player/ (STATICFILES_DIRS), so collectstatic picks it up like the rest."""
import shutil
import subprocess
from pathlib import Path

from django.conf import settings


class PlayerBuildFailed(Exception):
    pass


def build_player():
    """Build the player bundle unless it is current; returns the script's path."""
    node = shutil.which("node")
    if not node:
        raise PlayerBuildFailed("Node.js 20 is needed to build the player bundle.")
    project = Path(settings.REMOTION_PROJECT_DIR)
    result = subprocess.run(
        [node, str(project / "scripts" / "player-bundle.mjs"), str(settings.PLAYER_BUNDLE_DIR)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise PlayerBuildFailed(f"Building the player bundle failed: {result.stderr.strip()}")
    return Path(result.stdout.strip().splitlines()[-1])
