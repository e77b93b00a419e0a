"""`manage.py build_player`, as the deploy build and `make run` run it."""
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def test_build_player_writes_one_self_contained_script_without_server_paths():
    out = StringIO()
    call_command("build_player", stdout=out)

    script = Path(out.getvalue().strip())
    assert script == Path(settings.PLAYER_BUNDLE_DIR) / "player.js"
    # Only the script is published by collectstatic (the inputs stamp is a dot file).
    assert [path.name for path in script.parent.iterdir() if not path.name.startswith(".")] == ["player.js"]
    text = script.read_text()
    assert str(settings.BASE_DIR) not in text and "sourceMappingURL" not in text
    # The seal travels inside: its policy and the closed window.open.
    assert "Content-Security-Policy" in text and "form-action 'none'" in text
