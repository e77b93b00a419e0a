"""The exported project's package.json and package-lock.json, cut from Montage's own.

An export depends on what its code can import (the allowed modules), React's renderer and
the Remotion CLI, at the versions in remotion/package.json. Its lock file is Montage's
lock pruned to the packages those dependencies reach, at the very locations and versions
Montage installs, with npm's dev/optional/peer flags worked out again for the smaller
tree: `npm ci` then installs the same packages Montage renders with.
"""
import copy
import json
from functools import cache
from pathlib import Path

from django.conf import settings

from clips.code_rules import allowed_modules

# Besides the allowed modules: what renders (react-dom, a peer of remotion) and what runs
# `remotion studio` / `remotion render`.
RUNTIME_PACKAGES = ("remotion", "react-dom", "@remotion/cli")
FLAGS = ("dev", "optional", "devOptional", "peer")


class ManifestError(RuntimeError):
    """Montage's own package.json or lock file lacks a package the export needs."""


def package_name(module):
    """'@remotion/transitions/fade' -> '@remotion/transitions', 'react/jsx-runtime' -> 'react'."""
    parts = module.split("/")
    return "/".join(parts[:2]) if module.startswith("@") else parts[0]


def export_manifests(name, description, composition_id):
    """(package.json, package-lock.json) of an exported project, as dicts."""
    montage_package, montage_lock = _montage_manifests()
    wanted = sorted({package_name(module) for module in allowed_modules()} | set(RUNTIME_PACKAGES))
    missing = [package for package in wanted if package not in montage_package["dependencies"]]
    if missing:
        raise ManifestError(f"remotion/package.json does not depend on {', '.join(missing)}.")
    root = {
        "name": name,
        "dependencies": {package: montage_package["dependencies"][package] for package in wanted},
        "devDependencies": dict(montage_package.get("devDependencies", {})),
        "engines": dict(montage_package.get("engines", {})),
    }
    package_json = {
        "name": name,
        "private": True,
        "description": description,
        "scripts": {
            "studio": "remotion studio",
            "render": f"remotion render {composition_id} out/{composition_id.lower()}.mp4",
        },
        **{key: value for key, value in root.items() if key != "name"},
    }
    lock = {
        "name": name,
        "lockfileVersion": montage_lock["lockfileVersion"],
        "requires": True,
        "packages": {"": root, **_pruned_packages(montage_lock["packages"], root)},
    }
    return package_json, lock


@cache
def _montage_manifests():
    project = Path(settings.REMOTION_PROJECT_DIR)
    package = json.loads((project / "package.json").read_text())
    lock = json.loads((project / "package-lock.json").read_text())
    return package, lock


# Which edge kinds a path may not use for the flag to be unset on the package it reaches.
_FLAG_PATHS = {
    "dev": ("dev",),
    "optional": ("optional",),
    "devOptional": ("dev", "optional"),
    "peer": ("peer",),
}


def _pruned_packages(packages, root):
    """The lock entries reachable from `root`, in the lock's order, with fresh flags."""
    reached = {flag: _reachable(packages, root, avoiding=avoid) for flag, avoid in _FLAG_PATHS.items()}
    kept = {}
    everything = _reachable(packages, root, avoiding=())
    for location, entry in packages.items():
        if location == "" or location not in everything:
            continue
        entry = {key: value for key, value in copy.deepcopy(entry).items() if key not in FLAGS}
        # npm's calc-dep-flags: a flag is unset once one path from the root avoids its
        # kind of edge; devOptional is written only when neither dev nor optional is.
        flags = {flag: location not in reached[flag] for flag in FLAGS}
        if flags["dev"] or flags["optional"]:
            flags["devOptional"] = False
        kept[location] = {**entry, **{flag: True for flag, on in flags.items() if on}}
    return kept


def _reachable(packages, root, *, avoiding):
    seen = set()
    queue = list(_edges(packages, "", root))
    while queue:
        location, kinds = queue.pop()
        if location in seen or kinds & set(avoiding):
            continue
        seen.add(location)
        queue.extend(_edges(packages, location, packages[location]))
    return seen


def _edges(packages, location, entry):
    """(location of the dependency, its edge kinds) for each dependency `entry` names that
    the tree provides (an optional one may be absent, e.g. another platform's binary)."""
    kinds = {}
    for field, kind in (
        ("dependencies", set()),
        ("optionalDependencies", {"optional"}),
        ("peerDependencies", {"peer"}),
    ):
        for name in entry.get(field, {}):
            kinds[name] = kind
    for name, meta in entry.get("peerDependenciesMeta", {}).items():
        if meta.get("optional") and name in kinds:
            kinds[name] = {"peer", "optional"}
    if location == "":
        kinds.update({name: {"dev"} for name in entry.get("devDependencies", {})})
    for name, kind in kinds.items():
        found = _resolve(packages, location, name)
        if found is not None:
            yield found, frozenset(kind)


def _resolve(packages, location, name):
    """Node's lookup: node_modules/<name> beside `location`, then in each folder above."""
    base = location
    while True:
        candidate = f"{base}/node_modules/{name}" if base else f"node_modules/{name}"
        if candidate in packages:
            return candidate
        if not base:
            return None
        base = base.rsplit("/node_modules/", 1)[0] if "/node_modules/" in base else ""
