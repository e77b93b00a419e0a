import json
import os
import subprocess

import pytest

from exports import npm
from tests.exports.movie import timeline_movie, unzip


def test_pruning_montages_lock_from_its_own_root_gives_back_every_entry_and_flag():
    package, lock = npm._montage_manifests()
    root = lock["packages"][""]

    pruned = npm._pruned_packages(lock["packages"], root)

    assert pruned == {location: entry for location, entry in lock["packages"].items() if location}


def test_dev_only_packages_keep_their_dev_flag_in_the_export():
    _, lock = npm.export_manifests("probe", "probe", "Movie")
    packages = lock["packages"]

    assert packages["node_modules/@types/react"].get("dev") is True
    # An optional peer of a build tool, and a dev dependency of the project.
    assert packages["node_modules/typescript"].get("devOptional") is True
    assert packages["node_modules/remotion"].get("dev") is None
    assert all(entry["version"] for location, entry in packages.items() if location)


@pytest.mark.parametrize(
    "module, package",
    [
        ("@remotion/transitions/fade", "@remotion/transitions"),
        ("react/jsx-runtime", "react"),
        ("remotion", "remotion"),
    ],
)
def test_a_module_belongs_to_its_package(module, package):
    assert npm.package_name(module) == package


@pytest.mark.django_db
def test_npm_finds_the_exported_lock_complete_and_consistent_with_package_json(api, user, tmp_path):
    project = unzip(api.get(f"/api/movies/{timeline_movie(user).pk}/export/").content, tmp_path)

    # Reads only package.json and the lock (no network, no node_modules): every
    # dependency resolvable at a version its dependant accepts, nothing extraneous.
    listing = subprocess.run(
        ["npm", "ls", "--all", "--package-lock-only", "--json"],
        cwd=project,
        env={**os.environ, "npm_config_offline": "true", "npm_config_update_notifier": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert listing.returncode == 0, listing.stdout[-2000:] + listing.stderr[-2000:]
    tree = json.loads(listing.stdout)
    assert tree["dependencies"]["remotion"]["version"] == json.loads(
        (project / "package.json").read_text()
    )["dependencies"]["remotion"]
